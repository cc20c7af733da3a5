import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import pg from 'pg';

import { freePort } from '../../../src/lib/free-port.js';
import {
  CustomerUpdatedDocument,
  DefineSegmentDocument,
  SegmentBuildDocument,
  SegmentMembershipChangedDocument,
  type SegmentMembershipChangedSubscription,
  type SegmentRuleInput,
  SegmentStateDocument,
  TrackBatchDocument,
  UpsertCustomerDocument,
} from '../../__generated__/graphql.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { type GatewayProcess, spawnGateway } from '../../support/gateway-process.js';
import { execute, subscribe, wsClient } from '../../support/graphql-client.js';
import { TEST_SERVICES } from '../../support/services.js';
import { until } from '../../support/until.js';

type Change = SegmentMembershipChangedSubscription['segmentMembershipChanged'];

const BURST = 200;

/**
 * Two gateway processes on one PostgreSQL database, one Neo4j and one Redis: what one instance
 * writes, subscribers of the other hear, through the durable change feed.
 */
describe('segments across two gateway processes', () => {
  let database: TestDatabase;
  let a: GatewayProcess;
  let b: GatewayProcess;
  let urlA: string;
  let urlB: string;

  const start = async () =>
    spawnGateway({
      PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      NEO4J_URI: TEST_SERVICES.neo4jUri,
      REDIS_URL: TEST_SERVICES.redisUrl,
      DEMO_DATA: 'off',
    });

  before(async () => {
    database = await createTestDatabase();
    a = await start();
    urlA = await a.ready;
    // After A: the first instance migrates the empty database; B then finds it current.
    b = await start();
    urlB = await b.ready;
  });

  after(async () => {
    for (const gateway of [a, b]) {
      gateway?.child.kill('SIGTERM');
    }
    await Promise.all([a?.exited, b?.exited]);
    await database?.drop();
  });

  const define = async (rule: SegmentRuleInput) => {
    const key = `s-${randomUUID().slice(0, 8)}`;
    const result = await execute(urlA, DefineSegmentDocument, {
      input: { key, name: `Segment ${key}`, rule },
    });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    const segment = result.data!.defineSegment;
    const ready = await until(
      () => execute(urlA, SegmentStateDocument, { id: segment.id }),
      (r) => r.data?.segment?.status === 'READY',
      20_000,
    );
    assert.equal(ready.data?.segment?.status, 'READY', JSON.stringify(ready));
    return segment;
  };

  /** One event per customer id; an unseen e-mail identity creates the customer. */
  const track = async (url: string, customerIds: readonly string[], type = 'WISHLIST_ADD') => {
    const result = await execute(url, TrackBatchDocument, {
      events: customerIds.map((id) => ({
        messageId: randomUUID(),
        identity: { type: 'EMAIL' as const, value: `${id}@example.com` },
        type: type as never,
        properties: { total: 30 },
      })),
    });
    assert.equal(result.data?.trackBatch.created, customerIds.length, JSON.stringify(result));
    return result.data!.trackBatch.results.map((r) => r.customerId!);
  };

  const nextChange = async (
    subscription: ReturnType<typeof subscribe<SegmentMembershipChangedSubscription, unknown>>,
  ): Promise<Change> => {
    const event = await subscription.next(30_000);
    assert.equal(event.errors, undefined, JSON.stringify(event.errors));
    return event.data!.segmentMembershipChanged;
  };

  it('a subscriber on B hears the entries of a segment defined and fed on A', async () => {
    const segment = await define({
      event: { type: 'wishlist_add', aggregate: 'COUNT', op: 'GREATER_OR_EQUAL', value: 1 },
    });
    const client = wsClient(urlB);
    try {
      // From cursor 0: whether B's listener is registered before or after the commit, the
      // entry reaches it (replayed or live), so no sleep has to wait for the subscription.
      const changes = subscribe(client, SegmentMembershipChangedDocument, {
        segmentIds: [segment.id],
        afterCursor: '0',
      });
      const [first] = await track(urlA, [randomUUID()]);
      const heard = await nextChange(changes);
      assert.deepEqual(
        [heard.customerId, heard.change, heard.segmentId],
        [first, 'ENTERED', segment.id],
      );
      // Replay has ended now, so this one can only come through B's live read of the feed.
      const [second] = await track(urlA, [randomUUID()]);
      const live = await nextChange(changes);
      assert.deepEqual([live.customerId, live.change], [second, 'ENTERED']);
      assert.ok(BigInt(live.cursor) > BigInt(heard.cursor));
      changes.unsubscribe();
    } finally {
      await client.dispose();
    }
  });

  it('a subscriber that drops out of a burst and resumes from its last cursor gets each entry once, in order', async () => {
    const segment = await define({
      event: { type: 'cart_add', aggregate: 'COUNT', op: 'GREATER_OR_EQUAL', value: 1 },
    });
    const first = wsClient(urlB);
    const before: Change[] = [];
    let burst: Promise<string[][]>;
    try {
      const changes = subscribe(first, SegmentMembershipChangedDocument, {
        segmentIds: [segment.id],
        afterCursor: '0',
      });
      // Four calls of 50, not awaited: the subscriber leaves while later ones are still landing.
      burst = (async () => {
        const tracked: string[][] = [];
        for (let call = 0; call < 4; call += 1) {
          const ids = Array.from({ length: BURST / 4 }, () => randomUUID());
          tracked.push(await track(urlA, ids, 'CART_ADD'));
        }
        return tracked;
      })();
      while (before.length < 30) {
        before.push(await nextChange(changes));
      }
    } finally {
      await first.dispose();
    }
    const lastCursor = before[before.length - 1]!.cursor;

    const again = wsClient(urlB);
    const resumed: Change[] = [];
    try {
      const changes = subscribe(again, SegmentMembershipChangedDocument, {
        segmentIds: [segment.id],
        afterCursor: lastCursor,
      });
      const seen = new Set(before.map((c) => c.customerId));
      while (seen.size < BURST) {
        const change = await nextChange(changes);
        resumed.push(change);
        seen.add(change.customerId);
      }
      changes.unsubscribe();
    } finally {
      await again.dispose();
    }
    const customers = (await burst).flat();

    const received = [...before, ...resumed];
    const cursors = received.map((c) => BigInt(c.cursor));
    assert.equal(new Set(cursors).size, cursors.length, 'no entry delivered twice');
    assert.ok(
      cursors.every((cursor, i) => i === 0 || cursor > cursors[i - 1]!),
      'in cursor order',
    );
    assert.ok(received.every((c) => c.change === 'ENTERED'));
    assert.deepEqual(new Set(received.map((c) => c.customerId)), new Set(customers));
    assert.deepEqual(
      received.map((c) => c.cursor),
      await feedCursors(database.url, segment.id),
      'no committed entry missing',
    );
  });

  it('customerUpdated on B hears a profile written on A', async () => {
    const id = randomUUID();
    const client = wsClient(urlB);
    try {
      const updates = subscribe(client, CustomerUpdatedDocument, { id, afterCursor: '0' });
      const written = await execute(urlA, UpsertCustomerDocument, {
        input: { id, displayName: 'Written On A' },
      });
      assert.equal(written.errors, undefined, JSON.stringify(written.errors));
      const heard = await updates.next(30_000);
      assert.equal(heard.errors, undefined, JSON.stringify(heard.errors));
      assert.equal(heard.data?.customerUpdated.customerId, id);
      assert.equal(heard.data?.customerUpdated.customer?.displayName, 'Written On A');
      updates.unsubscribe();
    } finally {
      await client.dispose();
    }
  });

  it('B shows how far a build running on A has come', async () => {
    const id = randomUUID();
    const seeded = await execute(urlA, UpsertCustomerDocument, {
      input: { id, displayName: 'Held Back', traits: { tier: 'held' } },
    });
    assert.equal(seeded.errors, undefined, JSON.stringify(seeded.errors));
    // Holds the customer's evaluation lock, so A's build stops at its first chunk.
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(hashtextextended($1::text, 360))', [id]);
      const { rows } = await holder.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM customers',
      );
      const key = `s-${randomUUID().slice(0, 8)}`;
      const defined = await execute(urlA, DefineSegmentDocument, {
        input: { key, name: key, rule: { trait: { key: 'tier', op: 'EQUALS', value: 'held' } } },
      });
      assert.equal(defined.errors, undefined, JSON.stringify(defined.errors));
      const segmentId = defined.data!.defineSegment.id;
      const building = await until(
        () => execute(urlB, SegmentBuildDocument, { id: segmentId }),
        (r) => r.data?.segment?.evaluation != null,
        10_000,
      );
      assert.equal(building.data?.segment?.status, 'BUILDING');
      assert.deepEqual(building.data?.segment?.evaluation, {
        version: 1,
        evaluatedCustomers: 0,
        totalCustomers: rows[0]!.n,
      });
      await holder.query('COMMIT');
      const done = await until(
        () => execute(urlB, SegmentBuildDocument, { id: segmentId }),
        (r) => r.data?.segment?.status === 'READY' && r.data.segment.evaluation === null,
        20_000,
      );
      assert.equal(done.data?.segment?.status, 'READY');
      assert.equal(done.data?.segment?.evaluation, null, 'no build under way once it is ready');
    } finally {
      await holder.end();
    }
  });
});

/** The segment's feed entries as committed, straight from PostgreSQL, in cursor order. */
async function feedCursors(url: string, segmentId: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ cursor: string }>(
      `SELECT cursor::text FROM change_feed WHERE segment_id = $1 ORDER BY change_feed.cursor`,
      [segmentId],
    );
    return rows.map((r) => r.cursor);
  } finally {
    await client.end();
  }
}
