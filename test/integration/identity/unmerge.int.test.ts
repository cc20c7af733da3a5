import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  CustomerIdentityViewDocument,
  CustomerMergesDocument,
  CustomerProfileDocument,
  CustomerSegmentsDocument,
  DefineSegmentDocument,
  EraseCustomerDocument,
  MergeCustomersDocument,
  SegmentStateDocument,
  SetConsentDocument,
  TrackDocument,
  UnmergeCustomersDocument,
  UpsertCustomerDocument,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import {
  relayed,
  removeFromGraph,
  type SeededCustomer,
  seedCustomer,
  seedFamily,
} from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { until } from '../../support/until.js';

describe('Mutation.unmergeCustomers', () => {
  let gateway: TestApp;
  const created: string[] = [];

  before(async () => {
    gateway = await createTestApp();
  });

  after(async () => {
    await relayed(gateway.backends);
    await removeFromGraph(gateway.backends, created);
    await gateway.stop();
  });

  const upsert = async (
    displayName: string,
    traits: Record<string, unknown>,
    identities: { type: 'EMAIL' | 'DEVICE_ID'; value: string }[],
    id: string = randomUUID(),
  ): Promise<SeededCustomer> => {
    const result = await execute(gateway.url, UpsertCustomerDocument, {
      input: { id, displayName, traits, identities },
    });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    created.push(id);
    return { id, displayName };
  };
  const track = async (email: string, type: 'PURCHASE' | 'VIEW', sessionId: string) => {
    const result = await execute(gateway.url, TrackDocument, {
      event: {
        messageId: randomUUID(),
        identity: { type: 'EMAIL', value: email },
        type,
        sessionId,
      },
    });
    assert.equal(result.data?.track.status, 'CREATED', JSON.stringify(result));
  };
  const merge = async (survivor: SeededCustomer, merged: SeededCustomer) => {
    const result = await execute(gateway.url, MergeCustomersDocument, {
      survivorId: survivor.id,
      mergedId: merged.id,
    });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    await relayed(gateway.backends);
    const merges = await execute(gateway.url, CustomerMergesDocument, { id: survivor.id });
    return merges.data!.customer!.merges.find((m) => m.mergedId === merged.id)!;
  };
  const unmerge = (mergeId: string) => execute(gateway.url, UnmergeCustomersDocument, { mergeId });
  const view = async (id: string) =>
    (await execute(gateway.url, CustomerIdentityViewDocument, { id })).data?.customer;
  const codeOf = (result: { errors?: readonly { extensions?: Record<string, unknown> }[] }) => [
    result.errors?.[0]?.extensions?.['code'],
    result.errors?.[0]?.extensions?.['reason'],
  ];

  it('restores both customers in every store and reports what arrived after the merge', async () => {
    const survivorEmail = `s-${randomUUID()}@example.com`;
    const mergedEmail = `m-${randomUUID()}@example.com`;
    const survivor = await upsert('Sam Survivor', { plan: 'gold' }, [
      { type: 'EMAIL', value: survivorEmail },
    ]);
    const merged = await upsert('Max Merged', { plan: 'basic', city: 'Paris' }, [
      { type: 'EMAIL', value: mergedEmail },
    ]);
    const child = await seedCustomer(gateway.url, 'Child', []);
    created.push(child.id);
    await seedFamily(gateway, [{ type: 'PARENT_OF', from: merged, to: child }]);
    await execute(gateway.url, SetConsentDocument, {
      customerId: merged.id,
      purpose: 'MARKETING',
      granted: true,
    });
    await track(mergedEmail, 'PURCHASE', 'sess-m');
    await track(mergedEmail, 'VIEW', 'sess-m');
    const defined = await execute(gateway.url, DefineSegmentDocument, {
      input: {
        key: `buyers-${randomUUID().slice(0, 8)}`,
        name: 'Buyers',
        rule: {
          event: {
            type: 'purchase',
            aggregate: 'COUNT',
            op: 'GREATER_OR_EQUAL',
            value: 1,
            window: {
              from: new Date(Date.now() - 200 * 86_400_000).toISOString(),
              to: new Date(Date.now() + 165 * 86_400_000).toISOString(),
            },
          },
        },
      },
    });
    assert.equal(defined.errors, undefined, JSON.stringify(defined.errors));
    const segmentId = defined.data!.defineSegment.id;
    const members = async () =>
      (
        await execute(gateway.url, SegmentStateDocument, { id: segmentId })
      ).data!.segment!.members.edges.map((e) => e.node.customerId);
    await until(
      () => execute(gateway.url, SegmentStateDocument, { id: segmentId }),
      (r) => r.data?.segment?.status === 'READY',
      20_000,
    );
    await relayed(gateway.backends);
    assert.deepEqual(await members(), [merged.id]);

    const record = await merge(survivor, merged);
    assert.equal(record.cause, 'MANUAL');
    assert.notEqual(record.apiKeyId, null);
    assert.deepEqual(await members(), [survivor.id], 'the survivor holds the purchase now');
    // After the merge: one event in the merged customer's session, one of the survivor's own,
    // and a new identity for the survivor.
    await track(mergedEmail, 'VIEW', 'sess-m');
    await track(survivorEmail, 'VIEW', 'sess-s');
    await upsert(
      'Sam Survivor',
      {},
      [{ type: 'DEVICE_ID', value: `dev-${randomUUID()}` }],
      survivor.id,
    );
    await relayed(gateway.backends);

    const result = await unmerge(record.id);

    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    const undone = result.data!.unmergeCustomers;
    assert.equal(undone.customerId, merged.id);
    assert.equal(undone.customer?.displayName, 'Max Merged');
    assert.notEqual(undone.merge.undoneAt, null);
    assert.deepEqual(undone.merge.undoReport, {
      identitiesRestored: 1,
      identitiesKeptBySurvivor: 1,
      eventsRestored: 2,
      laterEventsToRestored: 1,
      laterEventsKeptBySurvivor: 1,
      consentsRestored: 1,
      survivorConsentsRestored: 1,
      relationshipsRestored: 1,
      relationshipsRemovedFromSurvivor: 1,
      mergeChainsRestored: 0,
    });
    await relayed(gateway.backends);

    const restored = await view(merged.id);
    assert.equal(restored?.id, merged.id, 'the merged id resolves to itself again');
    assert.deepEqual(
      restored?.identities.map((i) => i.type),
      ['EMAIL'],
    );
    assert.equal(restored?.events?.edges.length, 3);
    assert.deepEqual(restored?.consent.find((c) => c.purpose === 'MARKETING')?.granted, true);
    assert.deepEqual(restored?.family, [{ relation: 'CHILD', customer: { id: child.id } }]);
    assert.deepEqual(restored?.mergedFrom, []);
    const back = await view(survivor.id);
    assert.deepEqual(back?.identities.map((i) => i.type).sort(), ['DEVICE_ID', 'EMAIL']);
    assert.equal(back?.events?.edges.length, 1);
    assert.equal(back?.consent.find((c) => c.purpose === 'MARKETING')?.granted ?? false, false);
    assert.deepEqual(back?.family, []);
    const profiles = await Promise.all(
      [merged.id, survivor.id].map((id) => execute(gateway.url, CustomerProfileDocument, { id })),
    );
    assert.deepEqual(profiles[0]!.data?.customer?.traits, { plan: 'basic', city: 'Paris' });
    assert.deepEqual(profiles[1]!.data?.customer?.traits, { plan: 'gold' });
    const nodes = await gateway.backends.graph.read('test.findNode', (tx) =>
      tx.run('MATCH (c:Customer {id: $id}) RETURN c.id AS id', { id: merged.id }),
    );
    assert.equal(nodes.records.length, 1, 'the graph has the customer node again');
    assert.deepEqual(await members(), [merged.id]);
    const segments = await execute(gateway.url, CustomerSegmentsDocument, { id: merged.id });
    assert.deepEqual(
      segments.data?.customer?.segments.map((s) => s.segmentId),
      [segmentId],
    );

    assert.deepEqual(codeOf(await unmerge(record.id)), ['MERGE_NOT_REVERSIBLE', 'ALREADY_UNDONE']);
  });

  it('refuses a merge whose survivor was merged on since, until that later merge is undone', async () => {
    const a = await upsert('A', {}, []);
    const b = await upsert('B', {}, []);
    const c = await upsert('C', {}, []);
    const first = await merge(a, b);
    const second = await merge(c, a);

    assert.deepEqual(codeOf(await unmerge(first.id)), ['MERGE_NOT_REVERSIBLE', 'CHAINED']);
    assert.equal((await view(b.id))?.id, c.id, 'nothing was written: b still resolves to c');

    assert.equal((await unmerge(second.id)).errors, undefined);
    await relayed(gateway.backends);
    assert.equal((await view(b.id))?.id, a.id, 'b resolves to a again (the chain is restored)');
    const again = await unmerge(first.id);
    assert.equal(again.errors, undefined, JSON.stringify(again.errors));
    assert.equal((await view(b.id))?.id, b.id);
  });

  it('refuses a merge whose survivor was erased since, writing nothing', async () => {
    const a = await upsert('Erased Later', {}, []);
    const b = await upsert('Merged Before', {}, []);
    const record = await merge(a, b);
    const erased = await execute(gateway.url, EraseCustomerDocument, { id: a.id });
    assert.equal(erased.errors, undefined, JSON.stringify(erased.errors));

    assert.deepEqual(codeOf(await unmerge(record.id)), ['MERGE_NOT_REVERSIBLE', 'ERASED']);
    assert.equal(await view(b.id), null, 'the merged customer did not come back');
  });

  it('answers NOT_FOUND for an unknown merge and BAD_USER_INPUT for a malformed id', async () => {
    assert.deepEqual(codeOf(await unmerge(randomUUID())), ['NOT_FOUND', undefined]);
    assert.deepEqual(codeOf(await unmerge('not-an-id')), ['BAD_USER_INPUT', undefined]);
  });
});
