import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { createPubSub } from '@graphql-yoga/subscription';

import { ChangeFeed } from '../../../src/changefeed/change-feed.js';
import {
  ChangeFeedStore,
  type FeedEntry,
  type NewFeedEntry,
} from '../../../src/changefeed/change-feed.store.js';
import { migrate } from '../../../src/datasources/migrate.js';
import { WebhookDestinationStore } from '../../../src/modules/activation/webhook-destination.store.js';
import type { Postgres } from '../../../src/datasources/postgres.js';
import { createSilentLogger } from '../../../src/logger.js';
import {
  createTestDatabase,
  lockWaiters,
  openTestPostgres,
  type TestDatabase,
} from '../../support/database.js';
import { until } from '../../support/until.js';

/**
 * The change feed's ordering promise, per stream, against PostgreSQL: appends held open at the
 * worst moments, and readers that must neither skip nor wait for what they do not read.
 */
describe('change feed streams', () => {
  let database: TestDatabase;
  let db: Postgres;
  const logger = createSilentLogger();

  before(async () => {
    database = await createTestDatabase();
    db = openTestPostgres(database, { poolMax: 8 });
    await migrate(db, logger);
  });

  after(async () => {
    await db?.close();
    await database?.drop();
  });

  const SEGMENT = randomUUID();
  const segmentEntry = (): NewFeedEntry => ({
    stream: 'segment',
    segmentId: SEGMENT,
    customerId: randomUUID(),
    change: 'ENTERED',
    sizeAfter: 1,
  });
  const customerEntry = (): NewFeedEntry => ({
    stream: 'customer',
    customerId: randomUUID(),
    change: 'PROFILE',
  });

  /** An append whose transaction stays open until `commit()` is called. */
  function openAppend(entries: NewFeedEntry[]) {
    let commit!: () => void;
    const released = new Promise<void>((resolve) => (commit = resolve));
    let appended!: (entries: FeedEntry[]) => void;
    const written = new Promise<FeedEntry[]>((resolve) => (appended = resolve));
    let more: NewFeedEntry[] = [];
    const later: FeedEntry[] = [];
    const done = db.withTransaction(async (tx) => {
      const store = new ChangeFeedStore(tx);
      appended(await store.append(entries));
      await released;
      later.push(...(await store.append(more)));
    });
    return {
      written,
      /** Commits, after appending `then` in the same transaction first. */
      commit: async (then: NewFeedEntry[] = []) => {
        more = then;
        commit();
        await done;
        return later;
      },
    };
  }

  const waiters = () => lockWaiters(database.url);

  it('draws a cursor only once the stream is its own: a waiting append ends above everything the holder appends', async () => {
    const holder = openAppend([segmentEntry()]);
    const [first] = await holder.written;
    const waiting = new ChangeFeedStore(db).append([segmentEntry()]);
    assert.equal(await until(waiters, (n) => n === 1, 10_000), 1, 'the second append waits');
    // The holder goes on appending while the other waits: its cursors are drawn now.
    const [second] = await holder.commit([segmentEntry()]);
    const [third] = await waiting;
    assert.ok(BigInt(first!.cursor) < BigInt(second!.cursor));
    assert.ok(
      BigInt(third!.cursor) > BigInt(second!.cursor),
      `cursor ${third!.cursor} was drawn before the lock: it commits after ${second!.cursor}`,
    );
  });

  it('appends to one stream without waiting for an open append to the other', async () => {
    const segment = openAppend([segmentEntry()]);
    await segment.written;
    const store = new ChangeFeedStore(db);
    const [customer] = await store.append([customerEntry()]);
    assert.equal(await store.head('customer'), customer!.cursor);
    await segment.commit();
  });

  it('still excludes a writer of the release before per-stream locks', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const holding = new Promise<void>((resolve) => (locked = resolve));
    // That release took this key ("c360") exclusively around every append, whatever the stream.
    const old = db.withTransaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [0x63_33_36_30]);
      locked();
      await released;
    });
    await holding;
    const appending = new ChangeFeedStore(db).append([customerEntry()]);
    try {
      assert.equal(await until(waiters, (n) => n === 1, 10_000), 1, 'the new append waits');
    } finally {
      release();
      await old;
    }
    assert.equal((await appending).length, 1);
  });

  it('makes a webhook destination due for segment entries only, from the segment stream head it was created at', async () => {
    await db.query('DELETE FROM webhook_destinations');
    const destinations = new WebhookDestinationStore(db);
    const store = new ChangeFeedStore(db);
    // A segment entry still to commit, below a customer entry already committed.
    const segment = openAppend([segmentEntry()]);
    const [pending] = await segment.written;
    await store.append([customerEntry()]);
    const claim = () => destinations.claim(8, 30_000, randomUUID());
    let created;
    try {
      created = await destinations.insert({
        name: 'crm',
        url: 'https://crm.example.com/hook',
        secret: 'x'.repeat(32),
        segmentIds: null,
        changes: ['ENTERED', 'EXITED'],
      });
      assert.ok(
        BigInt(created.cursor) < BigInt(pending!.cursor),
        'it would skip the pending entry',
      );
      assert.deepEqual(await claim(), [], 'customer entries make nothing due');
    } finally {
      await segment.commit();
    }
    const [due] = await claim();
    assert.equal(due?.id, created.id);
  });

  it('hands a listener of each stream every entry, even one committed below a cursor already read from the other stream', async () => {
    const feed = new ChangeFeed(db, createPubSub(), logger, { pollMs: 60_000, maxQueue: 100 });
    await feed.start();
    const heard = { segment: [] as string[], customer: [] as string[] };
    const listeners = (['segment', 'customer'] as const).map((stream) => {
      const entries = feed.listen({ stream }, null);
      void (async () => {
        for await (const entry of entries) {
          heard[stream].push(entry.cursor);
        }
      })();
      return entries;
    });
    try {
      const customer = openAppend([customerEntry()]);
      const [late] = await customer.written;
      const [early] = await new ChangeFeedStore(db).append([segmentEntry()]);
      assert.ok(BigInt(early!.cursor) > BigInt(late!.cursor));
      feed.announce();
      await until(
        async () => heard.segment,
        (cursors) => cursors.includes(early!.cursor),
        10_000,
      );
      await customer.commit();
      feed.announce();
      const cursors = await until(
        async () => heard.customer,
        (seen) => seen.includes(late!.cursor),
        10_000,
      );
      assert.deepEqual(cursors, [late!.cursor]);
      assert.deepEqual(heard.segment, [early!.cursor]);
    } finally {
      await Promise.all(listeners.map((entries) => entries.return?.()));
      await feed.stop();
    }
  });
});
