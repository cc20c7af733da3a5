import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  CustomIdentityLookupDocument,
  TrackDocument,
  UpsertCustomersDocument,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

describe('custom identity kinds (IDENTITY_CUSTOM_TYPES)', () => {
  let gateway: TestApp;

  before(async () => {
    gateway = await createTestApp({ env: { IDENTITY_CUSTOM_TYPES: 'loyalty_card' } });
  });

  after(async () => {
    await gateway.stop();
  });

  it('resolves a configured kind like any identity: upsert, track and lookup meet on one customer', async () => {
    const card = `L-${randomUUID()}`;
    const upserted = await execute(gateway.url, UpsertCustomersDocument, {
      input: [
        {
          displayName: 'Card Holder',
          identities: [{ type: 'CUSTOM', customType: 'loyalty_card', value: ` ${card} ` }],
        },
      ],
    });
    const tracked = await execute(gateway.url, TrackDocument, {
      event: {
        messageId: randomUUID(),
        identity: { type: 'CUSTOM', customType: 'loyalty_card', value: card },
        type: 'PURCHASE',
      },
    });
    const found = await execute(gateway.url, CustomIdentityLookupDocument, {
      value: card,
      customType: 'loyalty_card',
    });

    const id = upserted.data!.upsertCustomers.results[0]!.id;
    assert.ok(id);
    assert.equal(tracked.data?.track.customerId, id, JSON.stringify(tracked.errors));
    assert.equal(found.data?.customerByIdentity?.id, id);
    assert.deepEqual(found.data?.customerByIdentity?.identities, [
      { type: 'CUSTOM', customType: 'loyalty_card', value: card },
    ]);
    const { rows } = await gateway.backends.postgres.query<{ type: string }>(
      'SELECT type FROM identities WHERE value = $1',
      [card],
    );
    assert.deepEqual(rows, [{ type: 'loyalty_card' }]);
  });

  it('refuses a kind that is not configured, a missing customType, and customType on a built-in kind', async () => {
    const attempts = await Promise.all([
      execute(gateway.url, CustomIdentityLookupDocument, { value: 'x', customType: 'shop_id' }),
      execute(gateway.url, CustomIdentityLookupDocument, { value: 'x' }),
      execute(gateway.url, UpsertCustomersDocument, {
        input: [
          {
            displayName: 'Confused',
            identities: [{ type: 'EMAIL', customType: 'loyalty_card', value: 'a@example.com' }],
          },
        ],
      }),
    ]);

    assert.equal(attempts[0].errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    assert.match(attempts[0].errors![0]!.message, /known: loyalty_card/);
    assert.equal(attempts[1].errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    const item = attempts[2].data!.upsertCustomers.results[0]!;
    assert.equal(item.status, 'REJECTED');
    assert.match(item.error!.message, /customType is only allowed with type CUSTOM/);
  });
});
