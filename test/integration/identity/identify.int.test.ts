import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  CustomerIdentityViewDocument,
  IdentifyDocument,
  MergeCustomersDocument,
  SetConsentDocument,
  TrackDocument,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { relayed, removeFromGraph, seedCustomer, seedFamily } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

describe('Mutation.identify', () => {
  let gateway: TestApp;
  const created: string[] = [];
  const track = async (identity: { type: 'ANONYMOUS_ID' | 'EMAIL'; value: string }) => {
    const result = await execute(gateway.url, TrackDocument, {
      event: { messageId: randomUUID(), identity, type: 'VIEW' },
    });
    created.push(result.data!.track.customerId!);
    return result.data!.track.customerId!;
  };
  const view = async (id: string) =>
    (await execute(gateway.url, CustomerIdentityViewDocument, { id })).data?.customer;

  before(async () => {
    gateway = await createTestApp();
  });

  after(async () => {
    await removeFromGraph(gateway.backends, created);
    await gateway.stop();
  });

  it('gives a tracked anonymous visitor the identity they are now known by', async () => {
    const anonymousId = randomUUID();
    const visitor = await track({ type: 'ANONYMOUS_ID', value: anonymousId });
    const email = `${randomUUID()}@example.com`;

    const result = await execute(gateway.url, IdentifyDocument, {
      input: {
        anonymousId,
        identity: { type: 'EMAIL', value: email },
        displayName: 'Grace',
        traits: { plan: 'plus' },
      },
    });

    assert.equal(result.errors, undefined);
    assert.deepEqual(
      { ...result.data!.identify, customer: undefined },
      { customerId: visitor, mergedCustomerIds: [], created: false, customer: undefined },
    );
    assert.equal(result.data!.identify.customer?.displayName, 'Grace');
    assert.deepEqual(result.data!.identify.customer?.traits, { plan: 'plus' });
    assert.deepEqual((await view(visitor))?.identities.map((i) => i.type).sort(), [
      'ANONYMOUS_ID',
      'EMAIL',
    ]);
  });

  it('merges the anonymous customer into the known one: identities, events and consent move, the old id resolves', async () => {
    const email = `${randomUUID()}@example.com`;
    const known = await track({ type: 'EMAIL', value: email });
    const anonymousId = randomUUID();
    const anonymous = await track({ type: 'ANONYMOUS_ID', value: anonymousId });
    await track({ type: 'ANONYMOUS_ID', value: anonymousId });
    await execute(gateway.url, SetConsentDocument, {
      customerId: anonymous,
      purpose: 'MARKETING',
      granted: true,
    });

    const result = await execute(gateway.url, IdentifyDocument, {
      input: { anonymousId, identity: { type: 'EMAIL', value: email.toUpperCase() } },
    });

    assert.deepEqual(result.data?.identify.mergedCustomerIds, [anonymous]);
    assert.equal(result.data?.identify.customerId, known);
    const survivor = await view(known);
    assert.deepEqual(survivor?.identities.map((i) => i.type).sort(), ['ANONYMOUS_ID', 'EMAIL']);
    assert.equal(survivor?.events?.edges.length, 3, 'all events of both customers');
    assert.deepEqual(survivor?.mergedFrom, [anonymous]);
    assert.equal(survivor?.consent.find((c) => c.purpose === 'MARKETING')?.granted, true);
    assert.equal((await view(anonymous))?.id, known, 'the merged id resolves to the survivor');
  });

  it('rejects an anonymous id as the known identity', async () => {
    const result = await execute(gateway.url, IdentifyDocument, {
      input: { anonymousId: randomUUID(), identity: { type: 'ANONYMOUS_ID', value: randomUUID() } },
    });

    assert.equal(result.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
  });
});

describe('Mutation.mergeCustomers', () => {
  let gateway: TestApp;

  before(async () => {
    gateway = await createTestApp();
  });

  after(async () => {
    await gateway.stop();
  });

  it('re-points the merged customer’s relationships in the graph to the survivor', async () => {
    const survivor = await seedCustomer(gateway.url, 'Survivor', []);
    const duplicate = await seedCustomer(gateway.url, 'Duplicate', []);
    const child = await seedCustomer(gateway.url, 'Child', []);
    await seedFamily(gateway, [{ type: 'PARENT_OF', from: duplicate, to: child }]);
    try {
      const result = await execute(gateway.url, MergeCustomersDocument, {
        survivorId: survivor.id,
        mergedId: duplicate.id,
      });
      assert.equal(result.errors, undefined);

      // Every follower of the merge (edges moved, then the node deleted) has run.
      await relayed(gateway.backends);
      const family = (await execute(gateway.url, CustomerIdentityViewDocument, { id: survivor.id }))
        .data?.customer?.family;
      assert.deepEqual(family, [{ relation: 'CHILD', customer: { id: child.id } }]);
      const nodes = await gateway.backends.graph.read('test.findNode', (tx) =>
        tx.run('MATCH (c:Customer {id: $id}) RETURN c', { id: duplicate.id }),
      );
      assert.equal(nodes.records.length, 0, 'the merged node is gone');
    } finally {
      await removeFromGraph(gateway.backends, [survivor.id, duplicate.id, child.id]);
    }
  });

  it('answers NOT_FOUND for an unknown customer and BAD_USER_INPUT for a self-merge', async () => {
    const a = await seedCustomer(gateway.url, 'A', []);

    const unknown = await execute(gateway.url, MergeCustomersDocument, {
      survivorId: a.id,
      mergedId: randomUUID(),
    });
    const self = await execute(gateway.url, MergeCustomersDocument, {
      survivorId: a.id,
      mergedId: a.id,
    });

    assert.equal(unknown.errors?.[0]?.extensions?.['code'], 'NOT_FOUND');
    assert.equal(self.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
  });
});
