import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  NearestCustomers,
  type NearestRow,
} from '../../../src/modules/recommendation/nearest-customers.js';
import type { VectorSpace } from '../../../src/modules/recommendation/vector.store.js';

const SPACE: VectorSpace = { model: 'm1', dimensions: 8 };

/** A vector store whose searches are recorded and answer only when the test says so. */
function controlledVectors() {
  const calls: { ids: string[]; limit: number; model: string; answer: () => void }[] = [];
  const vectors = {
    nearestCustomers: (space: VectorSpace, ids: readonly string[], limit: number) =>
      new Promise<NearestRow[]>((resolve) => {
        // Two neighbours per customer, nearest first, as the statement orders them.
        const rows = ids.flatMap((id) =>
          [1, 2].map((n) => ({
            customerId: id,
            neighbour: { id: `${id}-n${n}`, similarity: 1 / n },
          })),
        );
        calls.push({ ids: [...ids], limit, model: space.model, answer: () => resolve(rows) });
      }),
  };
  return { calls, vectors };
}

/** Waits a few turns of the event loop for `condition`; fails rather than hang. */
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; !condition(); turn += 1) {
    assert.ok(turn < 100, 'the searches expected were never sent');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('NearestCustomers', () => {
  it('gives searches asked while one runs one statement, each its own customers’ rows', async () => {
    const { calls, vectors } = controlledVectors();
    const nearest = new NearestCustomers(vectors);
    const first = nearest.find(SPACE, ['a'], 5);
    await until(() => calls.length === 1);
    const second = nearest.find(SPACE, ['b', 'c'], 5);
    const third = nearest.find(SPACE, ['c'], 5);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(calls.length, 1, 'no search joins a statement already sent');
    calls[0]!.answer();
    assert.deepEqual(
      (await first).map((row) => row.neighbour.id),
      ['a-n1', 'a-n2'],
    );
    await until(() => calls.length === 2);
    assert.deepEqual(calls[1]!.ids, ['b', 'c'], 'customers asked twice are searched once');
    calls[1]!.answer();
    assert.deepEqual(
      (await second).map((row) => `${row.customerId}>${row.neighbour.id}`),
      ['b>b-n1', 'b>b-n2', 'c>c-n1', 'c>c-n2'],
    );
    assert.deepEqual(
      (await third).map((row) => row.neighbour.id),
      ['c-n1', 'c-n2'],
    );
  });

  it('fails every search of a failed statement, and later searches go on', async () => {
    const { calls, vectors } = controlledVectors();
    let failing = true;
    const nearest = new NearestCustomers({
      nearestCustomers: (space, ids, limit) =>
        failing ? Promise.reject(new Error('down')) : vectors.nearestCustomers(space, ids, limit),
    });
    const failed = await Promise.allSettled([
      nearest.find(SPACE, ['a'], 5),
      nearest.find(SPACE, ['b'], 5),
    ]);
    assert.deepEqual(
      failed.map((outcome) => outcome.status),
      ['rejected', 'rejected'],
    );
    failing = false;
    const later = nearest.find(SPACE, ['c'], 5);
    await until(() => calls.length === 1);
    calls[0]!.answer();
    assert.equal((await later).length, 2);
  });

  it('never puts searches of different lengths or models in one statement', async () => {
    const { calls, vectors } = controlledVectors();
    const nearest = new NearestCustomers(vectors);
    const asked = [
      nearest.find(SPACE, ['a'], 5),
      nearest.find(SPACE, ['b'], 11),
      nearest.find({ model: 'm2', dimensions: 8 }, ['c'], 5),
    ];
    await until(() => calls.length === 3);
    assert.deepEqual(
      calls.map((call) => `${call.model}:${call.limit}:${call.ids.join(',')}`).sort(),
      ['m1:11:b', 'm1:5:a', 'm2:5:c'],
    );
    for (const call of calls) {
      call.answer();
    }
    await Promise.all(asked);
  });
});
