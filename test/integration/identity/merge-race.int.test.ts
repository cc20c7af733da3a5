import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import pg from 'pg';

import {
  CustomerTimelineDocument,
  IdentifyDocument,
  MergeCustomersDocument,
  TrackDocument,
} from '../../__generated__/graphql.js';
import { lockWaiters } from '../../support/database.js';
import { execute } from '../../support/graphql-client.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { until } from '../../support/until.js';

type Identity = { type: 'ANONYMOUS_ID' | 'EMAIL' | 'USER_ID'; value: string };

/**
 * An event for an identity of the customer being merged away, sent while the merge is half
 * done, must survive the merge (on the survivor). The merge is held open between its moves and
 * its delete of the merged customer: a second connection holds an uncommitted row with the
 * merged id in customer_merges, so the merge's own `merge.record` insert waits on it.
 */
describe('merges racing events (Mutation.identify, Mutation.mergeCustomers, POST /v1/identify)', () => {
  let gateway: TestApp;

  const track = async (identity: Identity, messageId = randomUUID()) =>
    (await execute(gateway.url, TrackDocument, { event: { messageId, identity, type: 'VIEW' } }))
      .data!.track.customerId!;
  const messageIdsOf = async (identity: Identity) =>
    (
      await execute(gateway.url, CustomerTimelineDocument, { ...identity, first: 50 })
    ).data?.customerByIdentity?.events?.edges.map((edge) => edge.node.messageId) ?? [];

  /**
   * Runs `merge` of `mergedId` and, once it waits half done, tracks an event for `identity`;
   * lets both finish, and says whether the event write waited for the merge (it takes a
   * key-share lock on the customer through the events' foreign key, which the merge's lock on
   * the merged customer holds up) or finished first (as it did before merges took that lock).
   */
  async function trackDuringMerge<T>(
    mergedId: string,
    merge: () => Promise<T>,
    identity: Identity,
    messageId: string,
  ) {
    const bystander = await track({ type: 'ANONYMOUS_ID', value: randomUUID() });
    const holder = new pg.Client({ connectionString: gateway.database.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(
        `INSERT INTO customer_merges (merged_id, survivor_id, cause) VALUES ($1, $2, 'manual')`,
        [mergedId, bystander],
      );
      const waiting = () => lockWaiters(gateway.database.url);
      const merged = merge();
      assert.equal(await until(waiting, (n) => n === 1, 20_000), 1, 'the merge waits half done');
      const tracked = execute(gateway.url, TrackDocument, {
        event: { messageId, identity, type: 'PURCHASE' },
      });
      const waited = await Promise.race([
        tracked.then(() => false),
        until(waiting, (n) => n === 2, 20_000).then((n) => n === 2),
      ]);
      await holder.query('ROLLBACK');
      return { merge: await merged, track: await tracked, waited };
    } finally {
      await holder.end();
    }
  }

  /** A customer with an anonymous id and a third identity (an e-mail it was identified by). */
  async function anonymousWithThirdIdentity() {
    const anonymousId = randomUUID();
    const customerId = await track({ type: 'ANONYMOUS_ID', value: anonymousId });
    const third: Identity = { type: 'EMAIL', value: `${randomUUID()}@example.com` };
    const result = await execute(gateway.url, IdentifyDocument, {
      input: { anonymousId, identity: third },
    });
    assert.equal(result.data?.identify.customerId, customerId);
    return { anonymousId, customerId, third };
  }

  before(async () => {
    gateway = await createTestApp();
  });

  after(async () => {
    await gateway.stop();
  });

  it('identify: an event for a third identity of the anonymous customer lands on the survivor', async () => {
    const known: Identity = { type: 'EMAIL', value: `${randomUUID()}@example.com` };
    const survivor = await track(known);
    const { anonymousId, customerId: anonymous, third } = await anonymousWithThirdIdentity();
    const messageId = randomUUID();

    const result = await trackDuringMerge(
      anonymous,
      () => execute(gateway.url, IdentifyDocument, { input: { anonymousId, identity: known } }),
      third,
      messageId,
    );

    assert.equal(result.merge.errors, undefined);
    assert.deepEqual(result.merge.data?.identify.mergedCustomerIds, [anonymous]);
    assert.ok((await messageIdsOf(known)).includes(messageId), 'the event was kept');
    assert.ok((await messageIdsOf(third)).includes(messageId));
    assert.equal(result.waited, true, 'the event write waited for the merge');
    assert.equal(result.track.errors, undefined);
    assert.equal(result.track.data?.track.status, 'CREATED');
    assert.equal(result.track.data?.track.customerId, survivor);
  });

  it('mergeCustomers: an event for the merged customer lands on the survivor', async () => {
    const known: Identity = { type: 'EMAIL', value: `${randomUUID()}@example.com` };
    const survivor = await track(known);
    const duplicate: Identity = { type: 'ANONYMOUS_ID', value: randomUUID() };
    const mergedId = await track(duplicate);
    const messageId = randomUUID();

    const result = await trackDuringMerge(
      mergedId,
      () => execute(gateway.url, MergeCustomersDocument, { survivorId: survivor, mergedId }),
      duplicate,
      messageId,
    );

    assert.equal(result.merge.errors, undefined);
    assert.ok((await messageIdsOf(known)).includes(messageId), 'the event was kept');
    assert.equal(result.waited, true, 'the event write waited for the merge');
    assert.equal(result.track.data?.track.status, 'CREATED');
    assert.equal(result.track.data?.track.customerId, survivor);
  });

  it('Segment identify: an event for a third identity of the anonymous customer lands on the survivor', async () => {
    const userId: Identity = { type: 'USER_ID', value: randomUUID() };
    const survivor = await track(userId);
    const { anonymousId, customerId: anonymous, third } = await anonymousWithThirdIdentity();
    const messageId = randomUUID();

    const result = await trackDuringMerge(
      anonymous,
      async () => {
        const response = await fetch(`${gateway.baseUrl}/v1/identify`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Basic ${Buffer.from(`${gateway.apiKey}:`).toString('base64')}`,
          },
          body: JSON.stringify({ anonymousId, userId: userId.value }),
        });
        return { status: response.status, body: (await response.json()) as unknown };
      },
      third,
      messageId,
    );

    assert.equal(result.merge.status, 200, JSON.stringify(result.merge.body));
    assert.ok((await messageIdsOf(userId)).includes(messageId), 'the event was kept');
    assert.equal(result.waited, true, 'the event write waited for the merge');
    assert.equal(result.track.data?.track.status, 'CREATED');
    assert.equal(result.track.data?.track.customerId, survivor);
  });
});
