import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

import { fitEaseExact } from '../model/ease.js';
import { buildInteractionMatrix } from '../model/interactions.js';
import { fitItemKnn } from '../model/item-knn.js';
import { PopularityModel } from '../model/popularity.js';
import {
  chooseEaseLambda,
  easeRecommender,
  historiesOf,
  itemItemRecommender,
  popularityRecommender,
  type OfflineRecommender,
} from './baselines.js';
import { catalogueCoverage, hitRateAt, ndcgAt, recallAt } from './metrics.js';
import { type EvalItem, type Progress, type ServingRecommender } from './serving.js';
import { type Split } from './split.js';

/** Anything that answers "top k for this user", synchronous baselines adapted. */
interface Ranker {
  name: string;
  recommend(userId: string, k: number): Promise<string[]>;
}

type Evaluate = (
  ranker: Ranker,
  fitSeconds: number,
  note: string,
  onList?: (userId: string, list: string[]) => Promise<void>,
) => Promise<void>;

/** ItemKNN's neighbours per item, the usual setting for this baseline. */
const KNN_NEIGHBOURS = 200;

export interface EvaluationOptions {
  split: Split;
  items: readonly EvalItem[];
  k: number;
  seed: number;
  progress: Progress;
  /** Where the metrics table is printed (stdout for the command). */
  out: NodeJS.WritableStream;
  serving?: ServingRecommender | null;
  /** JSONL of the serving recommender's lists, one line per test user, in rank order. */
  predictionsFile?: string | null;
}

/** One recommender's figures, averaged over the test users. */
export interface MetricsRow {
  recommender: string;
  ndcg: number;
  recall: number;
  hitRate: number;
  coverage: number;
  users: number;
  /** Fitting (or, for serving, loading) time. */
  fitSeconds: number;
  /** Extra facts worth printing, such as EASE's chosen λ. */
  note: string;
}

/**
 * Runs MostPopular, ItemKNN (cosine), exact EASE (λ chosen on a validation split of the
 * training data) and, when given, the serving recommender on one split. Each ranks every item
 * except the user's training positives; the metrics are averaged over the users with held-out
 * items. Prints a table to `out` and returns its rows.
 */
export async function runEvaluation(options: EvaluationOptions): Promise<MetricsRow[]> {
  const { split, k, progress } = options;
  const catalogueSize = catalogueOf(options.items, split).size;
  const histories = historiesOf(split.train);
  const rows: MetricsRow[] = [];

  const timed = <T>(fit: () => T): [T, number] => {
    const started = performance.now();
    const value = fit();
    return [value, (performance.now() - started) / 1000];
  };
  const evaluate: Evaluate = async (recommender, fitSeconds, note, onList) => {
    progress.start(recommender.name, split.test.size);
    const lists: string[][] = [];
    const sums = { ndcg: 0, recall: 0, hitRate: 0 };
    for (const [userId, relevant] of split.test) {
      const list = await recommender.recommend(userId, k);
      lists.push(list);
      sums.ndcg += ndcgAt(k, list, relevant);
      sums.recall += recallAt(k, list, relevant);
      sums.hitRate += hitRateAt(k, list, relevant);
      await onList?.(userId, list);
      progress.update(lists.length);
    }
    progress.stop();
    const users = Math.max(lists.length, 1);
    rows.push({
      recommender: recommender.name,
      ndcg: sums.ndcg / users,
      recall: sums.recall / users,
      hitRate: sums.hitRate / users,
      coverage: catalogueCoverage(k, lists, catalogueSize),
      users: lists.length,
      fitSeconds,
      note,
    });
  };
  const offline = (recommender: OfflineRecommender): Ranker => ({
    name: recommender.name,
    recommend: (userId: string, n: number) => Promise.resolve(recommender.recommend(userId, n)),
  });

  const [matrix, matrixSeconds] = timed(() => buildInteractionMatrix(split.train));
  const [popularity, popularitySeconds] = timed(() => PopularityModel.fit(matrix));
  await evaluate(
    offline(popularityRecommender(popularity, histories)),
    matrixSeconds + popularitySeconds,
    '',
  );
  const [knn, knnSeconds] = timed(() => fitItemKnn(matrix, { neighbours: KNN_NEIGHBOURS }));
  await evaluate(
    offline(itemItemRecommender('ItemKNN', knn, popularity, histories)),
    knnSeconds,
    `cosine, ${KNN_NEIGHBOURS} neighbours`,
  );
  progress.start('choosing EASE λ on validation', 1);
  const [choice, choiceSeconds] = timed(() =>
    chooseEaseLambda(split.train, { seed: options.seed, k }),
  );
  progress.stop();
  const [ease, easeSeconds] = timed(() => fitEaseExact(matrix, { lambda: choice.lambda }));
  await evaluate(
    offline(easeRecommender('EASE', ease, popularity, histories)),
    easeSeconds,
    `λ ${choice.lambda} (validation NDCG@${k}: ${choice.tried.map((t) => `${t.lambda}→${t.ndcg.toFixed(4)}`).join(' ')}; chosen in ${choiceSeconds.toFixed(1)} s)`,
  );

  if (options.serving) {
    await evaluateServing(options.serving, options, evaluate);
  }
  options.out.write(formatTable(rows, k));
  return rows;
}

async function evaluateServing(
  serving: ServingRecommender,
  options: EvaluationOptions,
  evaluate: Evaluate,
): Promise<void> {
  const started = performance.now();
  await serving.load(options.split.train, options.items, options.progress);
  options.progress.stop();
  const loadSeconds = (performance.now() - started) / 1000;
  const predictions = options.predictionsFile ? createWriteStream(options.predictionsFile) : null;
  try {
    await evaluate(
      { name: serving.name, recommend: (userId, k) => serving.topK(userId, k) },
      loadSeconds,
      options.predictionsFile ? `predictions: ${options.predictionsFile}` : '',
      predictions
        ? async (userId, items) => {
            if (!predictions.write(`${JSON.stringify({ user_id: userId, items })}\n`)) {
              await once(predictions, 'drain');
            }
          }
        : undefined,
    );
  } finally {
    if (predictions) {
      predictions.end();
      await once(predictions, 'finish');
    }
  }
}

/** Every item the evaluation knows: the catalogue file's, plus any only seen in ratings. */
function catalogueOf(items: readonly EvalItem[], split: Split): Set<string> {
  const catalogue = new Set(items.map(({ itemId }) => itemId));
  split.train.forEach(({ itemId }) => catalogue.add(itemId));
  split.test.forEach((relevant) => relevant.forEach((itemId) => catalogue.add(itemId)));
  return catalogue;
}

/** A plain-text table, one row per recommender. */
export function formatTable(rows: readonly MetricsRow[], k: number): string {
  const header = [
    'recommender',
    `NDCG@${k}`,
    `Recall@${k}`,
    `HitRate@${k}`,
    'coverage',
    'users',
    'fit s',
    'note',
  ];
  const body = rows.map((row) => [
    row.recommender,
    row.ndcg.toFixed(4),
    row.recall.toFixed(4),
    row.hitRate.toFixed(4),
    row.coverage.toFixed(4),
    String(row.users),
    row.fitSeconds.toFixed(2),
    row.note,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...body.map((cells) => cells[column]!.length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...body.map(line)].join('\n')}\n`;
}
