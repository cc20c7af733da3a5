import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  CustomerUpdatedDocument,
  EraseCustomerDocument,
  IdentifyDocument,
  LinkRelationshipDocument,
  MergeCustomersDocument,
  SetConsentDocument,
  TargetCampaignDocument,
  TrackBatchDocument,
  UpsertCampaignDocument,
  UpsertCustomerDocument,
} from '../../__generated__/graphql.js';
import { execute, subscribe, wsClient } from '../../support/graphql-client.js';
import { relayed, removeFromGraph } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

/*
 * customerUpdated hears every kind of write to a customer, not only profile upserts: events,
 * identities, consent, campaigns, relationships, merges and erasure all go through the same
 * durable feed, in the order they were applied.
 */
describe('customerUpdated for every kind of change', () => {
  let gateway: TestApp;
  const created: string[] = [];

  before(async () => {
    gateway = await createTestApp();
  });

  after(async () => {
    await removeFromGraph(gateway.backends, created);
    await gateway.stop();
  });

  /** Runs a write, checks it answered without errors, and waits until the relay applied it. */
  const write = async (result: Promise<{ errors?: unknown }>) => {
    const answer = await result;
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    await relayed(gateway.backends);
    return answer;
  };

  it('hears events, identities, consent, campaigns, relationships, merges and erasure, in order', async () => {
    const person = (name: string) => ({
      id: randomUUID(),
      email: `${name}-${randomUUID()}@example.com`,
    });
    const ann = person('ann');
    const twin = person('twin');
    created.push(ann.id, twin.id);
    const client = wsClient(gateway.url);
    try {
      const updates = subscribe(client, CustomerUpdatedDocument, { afterCursor: '0' });
      for (const [who, name] of [
        [ann, 'Ann'],
        [twin, 'Ann Twin'],
      ] as const) {
        await write(
          execute(gateway.url, UpsertCustomerDocument, {
            input: {
              id: who.id,
              displayName: name,
              identities: [{ type: 'EMAIL', value: who.email }],
            },
          }),
        );
      }
      await write(
        execute(gateway.url, TrackBatchDocument, {
          events: [
            {
              messageId: randomUUID(),
              identity: { type: 'EMAIL', value: ann.email },
              type: 'VIEW',
            },
          ],
        }),
      );
      await write(
        execute(gateway.url, IdentifyDocument, {
          input: {
            anonymousId: `anon-${randomUUID()}`,
            identity: { type: 'EMAIL', value: ann.email },
          },
        }),
      );
      await write(
        execute(gateway.url, SetConsentDocument, {
          customerId: ann.id,
          purpose: 'MARKETING',
          granted: true,
        }),
      );
      const campaign = await execute(gateway.url, UpsertCampaignDocument, {
        input: {
          externalId: `c-${randomUUID()}`,
          name: 'Winter',
          channel: 'EMAIL',
          status: 'ACTIVE',
        },
      });
      await write(
        execute(gateway.url, TargetCampaignDocument, {
          campaignId: campaign.data!.upsertCampaign.id,
          customerIds: [ann.id],
        }),
      );
      await write(
        execute(gateway.url, LinkRelationshipDocument, {
          fromId: ann.id,
          toId: twin.id,
          type: 'SIBLING_OF',
        }),
      );
      await write(
        execute(gateway.url, MergeCustomersDocument, { survivorId: ann.id, mergedId: twin.id }),
      );
      await write(execute(gateway.url, EraseCustomerDocument, { id: ann.id }));

      const heard: [string, string, string | null][] = [];
      const name = (id: string) => (id === ann.id ? 'ann' : id === twin.id ? 'twin' : id);
      while (!heard.some(([who, change]) => who === 'ann' && change === 'ERASED')) {
        const update = await updates.next(20_000);
        assert.equal(update.errors, undefined, JSON.stringify(update.errors));
        const { customerId, change, intoCustomerId } = update.data!.customerUpdated;
        heard.push([name(customerId), change, intoCustomerId ? name(intoCustomerId) : null]);
      }
      updates.unsubscribe();
      assert.deepEqual(heard, [
        ['ann', 'PROFILE', null],
        ['twin', 'PROFILE', null],
        ['ann', 'EVENTS', null],
        ['ann', 'PROFILE', null],
        ['ann', 'CONSENT', null],
        ['ann', 'CAMPAIGN', null],
        ['ann', 'RELATIONSHIP', null],
        ['twin', 'RELATIONSHIP', null],
        ['twin', 'MERGED_AWAY', 'ann'],
        ['ann', 'MERGED', null],
        ['ann', 'ERASED', null],
      ]);
    } finally {
      await client.dispose();
    }
  });
});
