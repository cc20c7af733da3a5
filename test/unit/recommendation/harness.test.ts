import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';

import { historiesOf } from '../../../src/modules/recommendation/evaluation/baselines.js';
import { readMovieLens } from '../../../src/modules/recommendation/evaluation/datasets.js';
import { runEvaluation } from '../../../src/modules/recommendation/evaluation/harness.js';
import {
  SILENT_PROGRESS,
  type ServingRecommender,
} from '../../../src/modules/recommendation/evaluation/serving.js';
import { splitPositives } from '../../../src/modules/recommendation/evaluation/split.js';
import { fitEase } from '../../../src/modules/recommendation/model/ease.js';
import { buildInteractionMatrix } from '../../../src/modules/recommendation/model/interactions.js';
import { sharedDataFile } from '../../support/shared-data.js';

const movieLens = sharedDataFile('movielens-latest-small');

/** A stand-in for the gateway: sparse EASE at a fixed λ, asynchronous like the real one. */
function sparseEaseServing(): ServingRecommender {
  let recommend: (userId: string, k: number) => string[] = () => [];
  return {
    name: 'serving (sparse EASE)',
    load(train) {
      const model = fitEase(buildInteractionMatrix(train), { lambda: 200, neighbours: 200 });
      const histories = historiesOf(train);
      recommend = (userId, k) => {
        const history = histories.get(userId) ?? new Map<string, number>();
        return model.score(history, k, new Set(history.keys())).map(({ itemId }) => itemId);
      };
      return Promise.resolve();
    },
    topK: (userId, k) => Promise.resolve(recommend(userId, k)),
    close: () => Promise.resolve(),
  };
}

describe('runEvaluation', { skip: movieLens ? false : 'shared MovieLens data not found' }, () => {
  it('ranks EASE above ItemKNN and MostPopular on MovieLens, and records the serving lists', async () => {
    const { ratings, items } = await readMovieLens(movieLens!);
    const split = splitPositives(ratings, 42);
    const folder = await mkdtemp(path.join(os.tmpdir(), 'c360-eval-'));
    const predictionsFile = path.join(folder, 'predictions.jsonl');
    const out = new PassThrough();
    let printed = '';
    out.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    try {
      const rows = await runEvaluation({
        split,
        items,
        k: 10,
        seed: 42,
        progress: SILENT_PROGRESS,
        out,
        serving: sparseEaseServing(),
        predictionsFile,
      });
      const ndcg = Object.fromEntries(rows.map((row) => [row.recommender, row.ndcg]));
      assert.deepEqual(Object.keys(ndcg), [
        'MostPopular',
        'ItemKNN',
        'EASE',
        'serving (sparse EASE)',
      ]);
      assert.ok(ndcg['EASE']! > ndcg['ItemKNN']!, JSON.stringify(ndcg));
      assert.ok(ndcg['ItemKNN']! > ndcg['MostPopular']!, JSON.stringify(ndcg));
      // Issue 9's bar for serving, met by the sparse model it is built on: 1.3 × ItemKNN.
      assert.ok(ndcg['serving (sparse EASE)']! >= 1.3 * ndcg['ItemKNN']!, JSON.stringify(ndcg));
      assert.ok(rows.every((row) => row.users === split.test.size));
      assert.match(printed, /^recommender\s+NDCG@10\s+Recall@10\s+HitRate@10\s+coverage/);
      assert.equal(printed.trimEnd().split('\n').length, 5);

      const lines = (await readFile(predictionsFile, 'utf8')).trimEnd().split('\n');
      assert.equal(lines.length, split.test.size);
      const first = JSON.parse(lines[0]!) as { user_id: string; items: string[] };
      assert.equal(first.user_id, [...split.test.keys()][0]);
      assert.equal(first.items.length, 10);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
