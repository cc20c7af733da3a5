import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { pino } from 'pino';

import type {
  Impression,
  ImpressionStore,
} from '../../../src/modules/recommendation/analytics/impression.store.js';
import { ImpressionWriter } from '../../../src/modules/recommendation/analytics/impression.writer.js';

const impression = (): Impression => ({
  requestId: randomUUID(),
  customerId: randomUUID(),
  surface: 'HOMEPAGE',
  variant: 'control',
  modelVersion: 'item-item:none text:none',
  itemIds: [randomUUID()],
  createdAt: new Date(),
});

/** A store that keeps each batch, failing while `failing` is set. */
function fakeStore() {
  const batches: Impression[][] = [];
  const store = {
    failing: false,
    batches,
    insert(rows: readonly Impression[]) {
      if (store.failing) {
        return Promise.reject(new Error('connection refused'));
      }
      batches.push([...rows]);
      return Promise.resolve();
    },
  };
  return store;
}

/** A logger whose error lines are kept, to check that losses are said, with counts. */
function recordingLogger() {
  const lines: { msg: string; lost?: number; rows?: number }[] = [];
  const logger = pino(
    { level: 'error' },
    { write: (line: string) => lines.push(JSON.parse(line)) },
  );
  return { logger, lines };
}

describe('ImpressionWriter', () => {
  it('writes impressions recorded together in one INSERT, off the caller’s path', async () => {
    const store = fakeStore();
    const writer = new ImpressionWriter(
      store as unknown as ImpressionStore,
      recordingLogger().logger,
    );
    for (let i = 0; i < 10; i++) {
      writer.record(impression());
    }
    assert.equal(store.batches.length, 0, 'record() does not wait for the database');
    await sleep(50);
    assert.deepEqual(
      store.batches.map((b) => b.length),
      [10],
    );
    await writer.stop();
  });

  it('retries a failed INSERT, logging it with its row count', async () => {
    const store = fakeStore();
    const { logger, lines } = recordingLogger();
    const writer = new ImpressionWriter(store as unknown as ImpressionStore, logger);
    store.failing = true;
    writer.record(impression());
    writer.record(impression());
    await sleep(50);
    assert.equal(lines[0]?.rows, 2);
    store.failing = false;
    await writer.stop();
    assert.equal(store.batches.flat().length, 2, 'written on stop');
  });

  it('says how many impressions it could not write when stopped on a failing database', async () => {
    const store = fakeStore();
    const { logger, lines } = recordingLogger();
    const writer = new ImpressionWriter(store as unknown as ImpressionStore, logger);
    store.failing = true;
    writer.record(impression());
    writer.record(impression());
    writer.record(impression());
    await writer.stop();
    assert.equal(lines.at(-1)?.lost, 3);
    writer.record(impression());
    assert.equal(lines.at(-1)?.lost, 1, 'one recorded after stop');
  });
});
