import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, afterEach, before, describe, it } from 'node:test';

import { Command } from 'commander';

import { registerEvalCommand } from '../../../src/modules/recommendation/evaluation/eval.command.js';
import { type ServingRecommender } from '../../../src/modules/recommendation/evaluation/serving.js';

/** Runs `c360 eval ARGS`, capturing what it prints and its exit code. */
async function runEval(args: string[], serving: ServingRecommender | null = null) {
  const program = new Command().exitOverride();
  let opened = 0;
  const open = () => {
    opened++;
    return serving ? Promise.resolve(serving) : Promise.reject(new Error('not expected'));
  };
  const captured = { stdout: '', stderr: '' };
  const sink = (name: 'stdout' | 'stderr') => {
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => (captured[name] += chunk.toString()));
    return stream;
  };
  const output = { stdout: sink('stdout'), stderr: sink('stderr') };
  registerEvalCommand(program, open, output);
  await program.parseAsync(['node', 'c360', 'eval', ...args]);
  // Data events are delivered on a later tick.
  await new Promise((resolve) => setImmediate(resolve));
  const code = process.exitCode;
  process.exitCode = undefined;
  return { ...captured, code, opened };
}

describe('c360 eval', () => {
  let folder = '';
  before(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'c360-eval-'));
    const header = 'user_id,item_id,rating,timestamp\n';
    const rows = (pairs: [string, string][]) => pairs.map(([u, i]) => `${u},${i},5,0`).join('\n');
    await writeFile(
      path.join(folder, 'train.csv'),
      header +
        rows([
          ['u1', 'a'],
          ['u1', 'b'],
          ['u2', 'a'],
          ['u2', 'b'],
          ['u2', 'c'],
          ['u3', 'b'],
          ['u3', 'c'],
        ]),
    );
    await writeFile(
      path.join(folder, 'test.csv'),
      header +
        rows([
          ['u1', 'c'],
          ['u3', 'a'],
        ]),
    );
    await writeFile(
      path.join(folder, 'items.csv'),
      'item_id,title,categories,keywords\na,A,,\nb,B,,\nc,C,,\nd,D,,\n',
    );
  });
  after(() => rm(folder, { recursive: true, force: true }));
  afterEach(() => {
    process.exitCode = undefined;
  });

  it('exits 2 naming every bad argument, before opening the serving recommender', async () => {
    const result = await runEval([
      '--train',
      path.join(folder, 'train.csv'),
      '--k',
      '0',
      '--seed',
      'x',
    ]);
    assert.equal(result.code, 2);
    assert.equal(result.opened, 0);
    assert.match(result.stderr, /--test is missing/);
    assert.match(result.stderr, /--items is missing/);
    assert.match(result.stderr, /--k 0: must be a positive whole number/);
    assert.match(result.stderr, /--seed x: must be a whole number/);
  });

  it('exits 2 without any data source, or with both kinds', async () => {
    assert.equal((await runEval([])).code, 2);
    const both = await runEval(['--dataset', folder, '--items', path.join(folder, 'items.csv')]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /either --dataset or --train/);
    const missing = await runEval(['--dataset', path.join(folder, 'nowhere'), '--no-serving']);
    assert.match(missing.stderr, /not a folder/);
  });

  it('refuses --predictions with --no-serving', async () => {
    const result = await runEval(['--dataset', folder, '--no-serving', '--predictions', 'x.jsonl']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--predictions records the serving recommender/);
  });

  it('evaluates the baselines on given files and prints one row each', async () => {
    const result = await runEval([
      '--train',
      path.join(folder, 'train.csv'),
      '--test',
      path.join(folder, 'test.csv'),
      '--items',
      path.join(folder, 'items.csv'),
      '--k',
      '2',
      '--no-serving',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.deepEqual(
      lines.map((line) => line.split(/\s+/)[0]),
      ['recommender', 'MostPopular', 'ItemKNN', 'EASE'],
    );
    assert.equal(result.opened, 0);
  });

  it('opens, evaluates and closes the serving recommender', async () => {
    let closed = false;
    const serving: ServingRecommender = {
      name: 'stub',
      load: () => Promise.resolve(),
      topK: () => Promise.resolve(['d']),
      close: () => {
        closed = true;
        return Promise.resolve();
      },
    };
    const result = await runEval(
      [
        '--train',
        path.join(folder, 'train.csv'),
        '--test',
        path.join(folder, 'test.csv'),
        '--items',
        path.join(folder, 'items.csv'),
      ],
      serving,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\nstub +0\.0000 +0\.0000 +0\.0000 +0\.2500/);
    assert.ok(closed);
  });
});
