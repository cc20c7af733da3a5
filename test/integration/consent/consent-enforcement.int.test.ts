import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  CustomerProfileDocument,
  SetConsentDocument,
  TargetCampaignDocument,
  TrackDocument,
  UpsertCampaignDocument,
  UpsertCustomerDocument,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { relayed, seedVocabulary } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

/** Withdrawn consent stops the processing it covers, and the answers say so. */
describe('consent enforcement', () => {
  let gateway: TestApp;

  const customer = async (interests: string[]) => {
    const id = randomUUID();
    const email = `${id}@example.com`;
    const result = await execute(gateway.url, UpsertCustomerDocument, {
      input: {
        id,
        displayName: 'Consenting adult',
        traits: { interests },
        identities: [{ type: 'EMAIL', value: email, customType: null }],
      },
    });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return { id, email };
  };
  const withdraw = async (
    customerId: string,
    purpose: 'ANALYTICS' | 'MARKETING' | 'PERSONALIZATION',
  ) => {
    const result = await execute(gateway.url, SetConsentDocument, {
      customerId,
      purpose,
      granted: false,
      source: 'privacy centre',
    });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
  };

  before(async () => {
    gateway = await createTestApp();
  });

  after(async () => {
    await gateway.stop();
  });

  it('drops events of a customer who withdrew analytics consent, storing nothing', async () => {
    const { id, email } = await customer(['jazz']);
    await withdraw(id, 'ANALYTICS');

    const tracked = await execute(gateway.url, TrackDocument, {
      event: { messageId: randomUUID(), identity: { type: 'EMAIL', value: email }, type: 'VIEW' },
    });

    assert.equal(tracked.errors?.[0]?.extensions?.['code'], 'CONSENT_WITHDRAWN');
    const { rows } = await gateway.backends.postgres.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM events WHERE customer_id = $1',
      [id],
    );
    assert.equal(rows[0]!.n, 0);
  });

  it('skips customers who withdrew marketing consent when a campaign targets them', async () => {
    const [keen, withdrawn] = [await customer(['jazz']), await customer(['jazz'])];
    await withdraw(withdrawn.id, 'MARKETING');
    const campaign = await execute(gateway.url, UpsertCampaignDocument, {
      input: { externalId: randomUUID(), name: 'Spring', channel: 'EMAIL' },
    });

    const targeted = await execute(gateway.url, TargetCampaignDocument, {
      campaignId: campaign.data!.upsertCampaign.id,
      customerIds: [keen.id, withdrawn.id],
    });

    assert.deepEqual(
      targeted.data?.targetCampaign.results.map((r) => [r.status, r.error?.code ?? null]),
      [
        ['CREATED', null],
        ['REJECTED', 'CONSENT_WITHDRAWN'],
      ],
    );
  });

  it('keeps a customer who withdrew personalization out of similarity, as subject and as result', async () => {
    const interests = [`rare-${randomUUID()}`, 'opera'];
    await seedVocabulary(gateway, interests);
    const [subject, twin] = [await customer(interests), await customer(interests)];
    await relayed(gateway.backends);
    const similarIds = async (id: string) =>
      (
        await execute(gateway.url, CustomerProfileDocument, { id, similar: 10 })
      ).data?.customer?.similarCustomers?.map((s) => s.customer?.id);
    assert.ok((await similarIds(twin.id))?.includes(subject.id), 'similar before withdrawing');

    await withdraw(subject.id, 'PERSONALIZATION');
    // A later profile update must not bring the preference vector back.
    await execute(gateway.url, UpsertCustomerDocument, {
      input: { id: subject.id, displayName: 'Still private', traits: { interests } },
    });
    await relayed(gateway.backends);

    assert.deepEqual(await similarIds(subject.id), []);
    assert.ok(!(await similarIds(twin.id))?.includes(subject.id));
    const { rows } = await gateway.backends.postgres.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM customer_embeddings WHERE customer_id = $1',
      [subject.id],
    );
    assert.equal(rows[0]!.n, 0, 'no preference vector is kept');
  });
});
