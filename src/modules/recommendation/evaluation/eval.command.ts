import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

import { type Command } from 'commander';

import { type ProgressStream } from '../../../lib/progress.js';
import { readInteractionsCsv, readItemsCsv, readMovieLens } from './datasets.js';
import { runEvaluation } from './harness.js';
import { createEvalProgress } from './progress.js';
import { type EvalItem, type ServingRecommender } from './serving.js';
import { positivesByUser, splitPositives, type Rating, type Split } from './split.js';

/** What the serving recommender is opened with. */
export interface ServingOptions {
  k: number;
  seed: number;
}

interface EvalCommandOptions {
  dataset?: string;
  train?: string;
  test?: string;
  items?: string;
  k: string;
  seed: string;
  predictions?: string;
  serving: boolean;
}

/** Where the command prints: the table to `stdout`, problems and progress to `stderr`. */
export interface EvalOutput {
  stdout: ProgressStream;
  stderr: ProgressStream;
}

/**
 * Registers `c360 eval`: offline accuracy of the baselines and, unless --no-serving, of the
 * recommender `openServing` returns. Exit code 2 for bad arguments, with every problem named.
 */
export function registerEvalCommand(
  program: Command,
  openServing: (options: ServingOptions) => Promise<ServingRecommender>,
  output: EvalOutput = { stdout: process.stdout, stderr: process.stderr },
): void {
  program
    .command('eval')
    .description(
      'Measure recommendations offline (Recall, NDCG, HitRate at k, coverage) against MostPopular, ItemKNN and EASE.',
    )
    .option(
      '--dataset <dir>',
      'a MovieLens folder (ratings.csv, movies.csv, tags.csv), split 80/20',
    )
    .option('--train <file>', 'training interactions CSV: user_id,item_id,rating,timestamp')
    .option('--test <file>', 'test interactions CSV, same header')
    .option('--items <file>', 'items CSV: item_id,title,categories,keywords (lists split by |)')
    .option('--k <n>', 'list length evaluated', '10')
    .option('--seed <n>', 'seed of the 80/20 and validation splits', '42')
    .option('--predictions <file>', "write the serving recommender's lists as JSONL")
    .option('--no-serving', 'evaluate the baselines only')
    .action(async (options: EvalCommandOptions) => {
      process.exitCode = await evaluate(options, openServing, output);
    });
}

async function evaluate(
  options: EvalCommandOptions,
  openServing: (options: ServingOptions) => Promise<ServingRecommender>,
  { stdout, stderr }: EvalOutput,
): Promise<number> {
  const problems = checkArguments(options);
  if (problems.length > 0) {
    problems.forEach((problem) => stderr.write(`c360 eval: ${problem}\n`));
    return 2;
  }
  const k = Number(options.k);
  const seed = Number(options.seed);
  let data: { split: Split; items: EvalItem[] };
  try {
    data = await readData(options, seed);
  } catch (error) {
    stderr.write(`c360 eval: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const serving = options.serving ? await openServing({ k, seed }) : null;
  try {
    await runEvaluation({
      ...data,
      k,
      seed,
      serving,
      predictionsFile: options.predictions ?? null,
      progress: createEvalProgress(stderr),
      out: stdout,
    });
  } finally {
    await serving?.close();
  }
  return 0;
}

function checkArguments(options: EvalCommandOptions): string[] {
  const problems: string[] = [];
  const files = [options.train, options.test, options.items];
  if (options.dataset !== undefined) {
    if (files.some((file) => file !== undefined)) {
      problems.push('give either --dataset or --train, --test and --items, not both');
    } else if (!isDirectory(options.dataset)) {
      problems.push(`--dataset ${options.dataset}: not a folder`);
    } else if (!existsSync(path.join(options.dataset, 'ratings.csv'))) {
      problems.push(`--dataset ${options.dataset}: no ratings.csv in it`);
    }
  } else if (files.every((file) => file === undefined)) {
    problems.push('give --dataset DIR, or --train TRAIN.csv --test TEST.csv --items ITEMS.csv');
  } else {
    (['train', 'test', 'items'] as const).forEach((name) => {
      const file = options[name];
      if (file === undefined) {
        problems.push(`--${name} is missing (--train, --test and --items go together)`);
      } else if (!existsSync(file)) {
        problems.push(`--${name} ${file}: no such file`);
      }
    });
  }
  if (!isPositiveInteger(options.k)) {
    problems.push(`--k ${options.k}: must be a positive whole number`);
  }
  if (!/^\d+$/.test(options.seed) || Number(options.seed) > 0xffffffff) {
    problems.push(`--seed ${options.seed}: must be a whole number from 0 to 4294967295`);
  }
  if (options.predictions !== undefined && !options.serving) {
    problems.push('--predictions records the serving recommender: drop --no-serving');
  }
  return problems;
}

async function readData(
  options: EvalCommandOptions,
  seed: number,
): Promise<{ split: Split; items: EvalItem[] }> {
  if (options.dataset !== undefined) {
    const { ratings, items } = await readMovieLens(options.dataset);
    return { split: splitPositives(ratings, seed), items };
  }
  const [train, test, items] = await Promise.all([
    readInteractionsCsv(options.train!),
    readInteractionsCsv(options.test!),
    readItemsCsv(options.items!),
  ]);
  return { split: givenSplit(train, test), items };
}

/**
 * A split made elsewhere: positives of each file (rating ≥ 4, or no rating), a test item the
 * user already has in training dropped, users left without test items not evaluated.
 */
function givenSplit(train: readonly Rating[], test: readonly Rating[]): Split {
  const trainPositives = positivesByUser(train);
  const split: Split = { train: [], test: new Map() };
  for (const [userId, items] of trainPositives) {
    items.forEach((itemId) => split.train.push({ userId, itemId, weight: 1 }));
  }
  for (const [userId, items] of positivesByUser(test)) {
    const known = trainPositives.get(userId);
    const held = new Set([...items].filter((itemId) => !known?.has(itemId)));
    if (held.size > 0) {
      split.test.set(userId, held);
    }
  }
  return split;
}

function isDirectory(file: string): boolean {
  return existsSync(file) && statSync(file).isDirectory();
}

function isPositiveInteger(text: string): boolean {
  return /^\d+$/.test(text) && Number(text) >= 1;
}
