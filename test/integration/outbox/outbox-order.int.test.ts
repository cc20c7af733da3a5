import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { migrate } from '../../../src/datasources/migrate.js';
import { Postgres } from '../../../src/datasources/postgres.js';
import { createSilentLogger } from '../../../src/logger.js';
import { OutboxRelay } from '../../../src/outbox/outbox.relay.js';
import { OutboxStore } from '../../../src/outbox/outbox.store.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

/**
 * The relay's order guarantee on its own, with appliers that record what they see: a
 * message waiting to be retried is never overtaken, by a later pass or by another relay.
 */
describe('outbox order', () => {
  let database: TestDatabase;
  let db: Postgres;
  const logger = createSilentLogger();

  before(async () => {
    database = await createTestDatabase();
    db = new Postgres({
      kind: 'postgresql',
      connection: { connectionString: database.url },
      target: 'test',
      poolMax: 4,
      connectTimeoutMs: 5_000,
      statementTimeoutMs: 10_000,
      logger,
    });
    await migrate(db, logger);
  });

  after(async () => {
    await db?.close();
    await database?.drop();
  });

  const write = (topic: string, names: readonly string[]) =>
    new OutboxStore(db).add(names.map((name) => ({ topic, payload: { name } })));

  it('applies a later message only after an earlier one that failed has succeeded', async () => {
    const seen: string[] = [];
    let failures = 1;
    const relay = new OutboxRelay({
      db,
      logger,
      batchSize: 1,
      appliers: [
        {
          topic: 'test.rename',
          apply: async (payloads) => {
            const names = payloads.map((p) => (p as { name: string }).name);
            if (names.includes('first') && failures-- > 0) {
              throw new Error('the store is away');
            }
            seen.push(...names);
          },
        },
      ],
    });
    await write('test.rename', ['first', 'second']);
    assert.equal(await relay.runOnce(), 0, 'the first attempt fails');
    // The second message is due at once; the first waits for its backoff.
    assert.equal(await relay.runOnce(), 0, 'nothing overtakes the message backing off');
    assert.deepEqual(seen, []);
    await db.query(`UPDATE outbox SET next_attempt_at = now()`);
    assert.equal(await relay.runOnce(), 1);
    assert.equal(await relay.runOnce(), 1);
    assert.deepEqual(seen, ['first', 'second']);
  });

  it('gives a second relay nothing while the first holds the oldest batch', async () => {
    await write('test.ordered', ['a', 'b', 'c', 'd']);
    const store = new OutboxStore(db);
    const held = await store.claim(db, 2, 30_000, ['test.ordered']);
    assert.deepEqual(
      held.map((m) => (m.payload as { name: string }).name),
      ['a', 'b'],
    );
    assert.deepEqual(await store.claim(db, 2, 30_000, ['test.ordered']), []);
    await store.deleteByIds(held.map((m) => m.id));
    const next = await store.claim(db, 2, 30_000, ['test.ordered']);
    assert.deepEqual(
      next.map((m) => (m.payload as { name: string }).name),
      ['c', 'd'],
    );
    await store.deleteByIds(next.map((m) => m.id));
  });

  it('lets unfollowed topics wait aside without holding anything up', async () => {
    const store = new OutboxStore(db);
    await write('test.unknown', ['orphan']);
    await db.query(
      `UPDATE outbox SET next_attempt_at = now() + interval '1 hour' WHERE topic = 'test.unknown'`,
    );
    await write('test.followed', ['x']);
    const claimed = await store.claim(db, 10, 30_000, ['test.followed']);
    assert.deepEqual(
      claimed.map((m) => (m.payload as { name: string }).name),
      ['x'],
    );
  });
});
