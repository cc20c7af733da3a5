import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  DefineSegmentDocument,
  LinkRelationshipDocument,
  SegmentMembershipChangedDocument,
  type SegmentRuleInput,
  SegmentStateDocument,
  TrackBatchDocument,
  UpsertCustomerDocument,
} from '../../__generated__/graphql.js';
import { execute, subscribe, wsClient } from '../../support/graphql-client.js';
import { type PrivateNeo4j, startPrivateNeo4j } from '../../support/private-neo4j.js';
import { relayed } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { until } from '../../support/until.js';

/**
 * Segments whose rules read only what a write commits to PostgreSQL are evaluated from an
 * outbox lane of their own, so they never wait behind the graph writes: not behind a backlog,
 * and not while Neo4j is away. Segments reading the graph follow the graph.
 */
describe('segment lanes', () => {
  let neo4j: PrivateNeo4j;
  let gateway: TestApp;

  before(async () => {
    neo4j = await startPrivateNeo4j();
    gateway = await createTestApp({ env: { NEO4J_URI: neo4j.uri } });
  });

  after(async () => {
    await gateway?.stop();
    await neo4j?.dispose();
  });

  const seed = async (displayName: string) => {
    const id = randomUUID();
    const result = await execute(gateway.url, UpsertCustomerDocument, {
      input: { id, displayName, identities: [{ type: 'EMAIL', value: `${id}@example.com` }] },
    });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return id;
  };

  const define = async (rule: SegmentRuleInput) => {
    const key = `lane-${randomUUID().slice(0, 8)}`;
    const result = await execute(gateway.url, DefineSegmentDocument, {
      input: { key, name: key, rule },
    });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    const id = result.data!.defineSegment.id;
    await until(
      () => state(id),
      (s) => s?.status === 'READY',
      20_000,
    );
    return id;
  };

  const state = async (id: string) => {
    const result = await execute(gateway.url, SegmentStateDocument, { id });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return result.data!.segment;
  };

  const purchase = async (customerId: string) => {
    const tracked = await execute(gateway.url, TrackBatchDocument, {
      events: [
        {
          messageId: randomUUID(),
          identity: { type: 'EMAIL', value: `${customerId}@example.com` },
          type: 'PURCHASE',
          properties: { total: 12 },
        },
      ],
    });
    assert.equal(tracked.data?.trackBatch.created, 1, JSON.stringify(tracked));
  };

  const members = async (id: string) =>
    new Set((await state(id))!.members.edges.map((e) => e.node.customerId));

  const waitingInMain = async () => {
    const { rows } = await gateway.backends.postgres.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox WHERE lane = 'main'`,
    );
    return rows[0]!.n;
  };

  it('lets a buyer enter an event segment while Neo4j is down, and a relationship segment once it is back', async () => {
    const buyers = await define({
      event: { type: 'purchase', aggregate: 'COUNT', op: 'GREATER_OR_EQUAL', value: 1 },
    });
    const partnered = await define({ relationship: { type: 'SPOUSE_OF' } });
    const buyer = await seed('Lane Buyer');
    const partner = await seed('Lane Partner');
    await relayed(gateway.backends);

    const client = wsClient(gateway.url);
    try {
      const live = subscribe(client, SegmentMembershipChangedDocument, {
        segmentIds: [buyers],
        afterCursor: '0',
      });
      await neo4j.stop();
      await purchase(buyer);
      const linked = await execute(gateway.url, LinkRelationshipDocument, {
        fromId: buyer,
        toId: partner,
        type: 'SPOUSE_OF',
      });
      assert.equal(linked.errors, undefined, JSON.stringify(linked.errors));

      const heard = await live.next(20_000);
      assert.equal(heard.errors, undefined, JSON.stringify(heard.errors));
      assert.equal(heard.data?.segmentMembershipChanged.customerId, buyer);
      assert.equal(heard.data?.segmentMembershipChanged.change, 'ENTERED');
      assert.ok((await waitingInMain()) > 0, 'the graph writes wait for Neo4j');
      assert.equal((await members(partnered)).size, 0, 'the graph segment waits with them');
      live.unsubscribe();
    } finally {
      await client.dispose();
    }

    await neo4j.restart();
    const caughtUp = await until(
      () => members(partnered),
      (ids) => ids.has(buyer) && ids.has(partner),
      60_000,
    );
    assert.deepEqual(caughtUp, new Set([buyer, partner]));
  });

  it('brings a change made while Neo4j is down to the graph segments that refer to it, once it is back', async () => {
    const buyers = await define({
      event: { type: 'purchase', aggregate: 'COUNT', op: 'GREATER_OR_EQUAL', value: 2 },
    });
    const spousesOfBuyers = await define({
      relationship: { type: 'SPOUSE_OF', to: { inSegment: { segmentId: buyers } } },
    });
    const buyer = await seed('Second Buyer');
    const partner = await seed('Second Partner');
    const linked = await execute(gateway.url, LinkRelationshipDocument, {
      fromId: buyer,
      toId: partner,
      type: 'SPOUSE_OF',
    });
    assert.equal(linked.errors, undefined, JSON.stringify(linked.errors));
    await relayed(gateway.backends);
    assert.equal((await members(spousesOfBuyers)).size, 0);

    await neo4j.stop();
    for (let i = 0; i < 2; i += 1) {
      await purchase(buyer);
    }
    await until(
      () => members(buyers),
      (ids) => ids.has(buyer),
      20_000,
    );
    assert.equal((await members(spousesOfBuyers)).size, 0, 'its relatives are read from the graph');

    await neo4j.restart();
    const reached = await until(
      () => members(spousesOfBuyers),
      (ids) => ids.has(partner),
      60_000,
    );
    assert.deepEqual(
      reached,
      new Set([partner]),
      "the buyer's spouse enters once the graph is back",
    );
  });
});
