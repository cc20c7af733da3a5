import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { createPubSub } from '@graphql-yoga/subscription';

import { migrate } from '../../../src/datasources/migrate.js';
import { type Postgres } from '../../../src/datasources/postgres.js';
import { createSilentLogger } from '../../../src/logger.js';
import { OutboxDoorbell } from '../../../src/outbox/outbox.doorbell.js';
import { OutboxRelay } from '../../../src/outbox/outbox.relay.js';
import { type MessageBytes, OutboxStore } from '../../../src/outbox/outbox.store.js';
import type { OutboxApplier, OutboxLane } from '../../../src/outbox/outbox.topic.js';
import { createTestDatabase, openTestPostgres, type TestDatabase } from '../../support/database.js';
import { until } from '../../support/until.js';

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
    db = openTestPostgres(database);
    await migrate(db, logger);
  });

  after(async () => {
    await db?.close();
    await database?.drop();
  });

  const names = (payloads: readonly unknown[]) => payloads.map((p) => (p as { name: string }).name);
  const write = (topic: string, written: readonly string[]) =>
    new OutboxStore(db).add(written.map((name) => ({ topic, payload: { name } })));

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

  it('runs a concurrent applier alongside the others, and the next run after all of them', async () => {
    const seen: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const relay = new OutboxRelay({
      db,
      logger,
      appliers: [
        {
          topic: 'test.side',
          apply: async () => {
            seen.push('slow started');
            await held;
            seen.push('slow done');
          },
        },
        {
          topic: 'test.side',
          concurrent: true,
          apply: async () => {
            seen.push('concurrent');
            release();
          },
        },
        { topic: 'test.after', apply: async () => void seen.push('next run') },
      ],
    });
    await write('test.side', ['one']);
    await write('test.after', ['two']);
    assert.equal(await relay.runOnce(), 2);
    // The concurrent applier released the slow one, so it ran while the slow one waited.
    assert.deepEqual(seen, ['slow started', 'concurrent', 'slow done', 'next run']);
  });

  it('gives the batch back when a concurrent applier fails, once the others have finished', async () => {
    const seen: string[] = [];
    const relay = new OutboxRelay({
      db,
      logger,
      appliers: [
        { topic: 'test.failing', apply: async () => void seen.push('in turn') },
        {
          topic: 'test.failing',
          concurrent: true,
          apply: async () => {
            throw new Error('the feed is away');
          },
        },
      ],
    });
    await write('test.failing', ['x']);
    assert.equal(await relay.runOnce(), 0);
    assert.deepEqual(seen, ['in turn']);
    const { rows } = await db.query<{ attempts: number; last_error: string }>(
      `SELECT attempts, last_error FROM outbox WHERE topic = 'test.failing'`,
    );
    assert.deepEqual(rows, [{ attempts: 1, last_error: 'the feed is away' }]);
    await db.query(`DELETE FROM outbox WHERE topic = 'test.failing'`);
  });

  it('tells advance listeners after a pass that applied messages, and only then', async () => {
    const relay = new OutboxRelay({
      db,
      logger,
      appliers: [{ topic: 'test.advance', apply: async () => undefined }],
    });
    let advances = 0;
    relay.onAdvance(() => (advances += 1));
    await write('test.advance', ['one', 'two']);

    assert.equal(await relay.runOnce(), 2);
    assert.equal(advances, 1);
    assert.equal(await relay.runOnce(), 0);
    assert.equal(advances, 1);
  });

  it("wakes a relay that found the head held as soon as the other relay's pass ends", async () => {
    const pubSub = createPubSub();
    const seen: string[] = [];
    let entered!: () => void;
    const holding = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = new OutboxRelay({
      db,
      logger,
      batchSize: 1,
      doorbell: new OutboxDoorbell(pubSub, logger),
      appliers: [
        {
          topic: 'test.turns',
          apply: async (payloads) => {
            entered();
            await held;
            seen.push(...payloads.map((p) => (p as { name: string }).name));
          },
        },
      ],
    });
    // Its own pool, so its claims can be counted; it polls only every ten minutes, so within
    // this test it can apply what is behind the held head only if it is woken.
    const secondDb = openTestPostgres(database, { poolMax: 2 });
    let claims = 0;
    secondDb.events.on('statement', (statement) => {
      claims += statement.name === 'outbox.claim' ? 1 : 0;
    });
    const second = new OutboxRelay({
      db: secondDb,
      logger,
      idleMs: 600_000,
      doorbell: new OutboxDoorbell(pubSub, logger),
      appliers: [
        {
          topic: 'test.turns',
          apply: async (payloads) =>
            void seen.push(...payloads.map((p) => (p as { name: string }).name)),
        },
      ],
    });
    await write('test.turns', ['held', 'behind']);
    const firstPass = first.runOnce();
    await holding;
    second.start();
    // Its first pass has claimed, and found nothing it may take while the head is held.
    await until(
      async () => claims,
      (n) => n >= 1,
      10_000,
    );
    assert.deepEqual(seen, []);
    release();
    assert.equal(await firstPass, 1);
    const outcome = await until(
      async () => [...seen],
      (names) => names.length === 2,
      30_000,
    );
    await second.stop();
    await secondDb.close();
    assert.deepEqual(outcome, ['held', 'behind']);
  });
  it('gives a lane copies of the topics it follows, in order, and runs it past a stuck main lane', async () => {
    const fast: OutboxLane = { name: 'fast', ordered: true, passes: 1 };
    const main: string[] = [];
    const lane: string[] = [];
    const appliers: OutboxApplier[] = [
      {
        topic: 'test.lane',
        apply: async () => {
          throw new Error('the graph is away');
        },
      },
      { topic: 'test.mainOnly', apply: async (p) => void main.push(...names(p)) },
      { topic: 'test.lane', lane: fast, apply: async (p) => void lane.push(...names(p)) },
    ];
    const mainRelay = new OutboxRelay({ db, logger, appliers });
    const laneRelay = new OutboxRelay({ db, logger, appliers, lane: fast });
    await write('test.lane', ['before routing']);
    await laneRelay.route();
    await write('test.lane', ['a', 'b']);
    await write('test.mainOnly', ['m']);
    // As an earlier version or a CLI command writes it: the trigger copies it all the same.
    await db.query(`INSERT INTO outbox (topic, payload) VALUES ('test.lane', '{"name": "c"}')`);

    assert.equal(await mainRelay.runOnce(), 0, 'main fails on its first message');
    assert.equal(await laneRelay.runOnce(), 3);
    assert.deepEqual(lane, ['a', 'b', 'c'], 'copies of what was written after routing, in order');
    assert.deepEqual(main, [], 'main still waits for its failing head');
    assert.deepEqual(await laneRelay.backlog(), { lane: 'fast', pending: 0, oldestAgeMs: 0 });
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox WHERE lane = 'main' AND topic IN ('test.lane', 'test.mainOnly')`,
    );
    assert.equal(rows[0]!.n, 5, 'main keeps every message');
    await db.query(`DELETE FROM outbox WHERE topic IN ('test.lane', 'test.mainOnly')`);
    await new OutboxStore(db).route('fast', []);
  });

  it('lets the relays of an unordered lane apply batches side by side, past one that fails', async () => {
    const loose: OutboxLane = { name: 'loose', ordered: false, passes: 2 };
    const seen: string[] = [];
    let entered!: () => void;
    const holding = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const appliers: OutboxApplier[] = [
      {
        topic: 'test.loose',
        lane: loose,
        apply: async (payloads) => {
          const batch = names(payloads);
          if (batch.includes('broken')) {
            throw new Error('cannot apply');
          }
          if (batch.includes('slow')) {
            entered();
            await held;
          }
          seen.push(...batch);
        },
      },
    ];
    const first = new OutboxRelay({ db, logger, appliers, lane: loose, batchSize: 1 });
    const second = new OutboxRelay({ db, logger, appliers, lane: loose, batchSize: 1 });
    await first.route();
    await write('test.loose', ['slow', 'broken', 'quick']);

    const slow = first.runOnce();
    await holding;
    assert.equal(await second.runOnce(), 0, 'the broken message goes back for later');
    assert.equal(await second.runOnce(), 1, 'and holds up nothing behind it');
    assert.deepEqual(seen, ['quick'], 'applied while the first relay still holds its batch');
    release();
    assert.equal(await slow, 1);
    assert.deepEqual(seen, ['quick', 'slow']);
    await db.query(`DELETE FROM outbox WHERE topic IN ('test.lane', 'test.loose')`);
    await new OutboxStore(db).route('loose', []);
  });
  it("gives an unordered lane's large messages to its first pass and its small ones to the others", async () => {
    const express: OutboxLane = { name: 'express', ordered: false, passes: 2, expressBytes: 1_000 };
    const store = new OutboxStore(db);
    await store.route('express', ['test.sized']);
    // Sizes are counted as stored (compressed): random ids do not compress.
    const large = Array.from({ length: 60 }, () => randomUUID()).join(' ');
    await write('test.sized', [large, 'a', 'b']);
    const claim = async (bytes: MessageBytes) =>
      (await store.claim(db, 200, 30_000, ['test.sized'], express, bytes)).map(
        (m) => (m.payload as { name: string }).name,
      );
    assert.deepEqual(await claim({ above: 1_000 }), [large], 'the first pass: the large one only');
    await write('test.sized', ['c']);
    assert.deepEqual(await claim({ above: 1_000 }), [], 'never a small one');
    assert.deepEqual(await claim({ atMost: 1_000 }), ['a', 'b', 'c'], 'express: the small ones');
    await db.query(`DELETE FROM outbox WHERE topic = 'test.sized'`);
    await store.route('express', []);
  });
});
