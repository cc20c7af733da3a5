import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  CustomerPageDocument,
  CustomerProfileDocument,
  EraseCustomerDocument,
  UpsertCustomerDocument,
  UpsertCustomersDocument,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

describe('Mutation.upsertCustomers', () => {
  let gateway: TestApp;

  before(async () => {
    gateway = await createTestApp({ env: { BATCH_MAX_SIZE: '5' } });
  });

  after(async () => {
    await gateway.stop();
  });

  const count = async (table: string) =>
    Number(
      (await gateway.backends.postgres.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))
        .rows[0]!.n,
    );

  const byEmail = (email: string) =>
    execute(gateway.url, CustomerPageDocument, {
      first: 10,
      filter: { identity: { type: 'EMAIL', value: email } },
    }).then((r) => r.data!.customers.edges.map((e) => e.node));

  it('stores the good items, rejects the bad ones alone, and never half-writes one', async () => {
    const tag = randomUUID().slice(0, 8);
    const [customersBefore, identitiesBefore] = [
      await count('customers'),
      await count('identities'),
    ];

    const result = await execute(gateway.url, UpsertCustomersDocument, {
      input: [
        {
          displayName: 'Ada Good',
          identities: [{ type: 'EMAIL', value: ` Ada.${tag}@Example.COM ` }],
        },
        // Its e-mail identity is fine, its phone is not: nothing of it may be stored.
        {
          displayName: 'Half Bad',
          identities: [
            { type: 'EMAIL', value: `half.${tag}@example.com` },
            { type: 'PHONE', value: '12' },
          ],
        },
        { displayName: '' },
        { displayName: 'Bad Traits', traits: { interests: 'jazz' } },
        { displayName: 'Bob Good', traits: { plan: 'gold', tag } },
      ],
    });

    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    const bulk = result.data!.upsertCustomers;
    assert.deepEqual(
      { created: bulk.created, updated: bulk.updated, rejected: bulk.rejected },
      { created: 2, updated: 0, rejected: 3 },
    );
    assert.deepEqual(
      bulk.results.map((r) => [r.index, r.status, r.error?.code ?? null]),
      [
        [0, 'CREATED', null],
        [1, 'REJECTED', 'BAD_USER_INPUT'],
        [2, 'REJECTED', 'BAD_USER_INPUT'],
        [3, 'REJECTED', 'BAD_USER_INPUT'],
        [4, 'CREATED', null],
      ],
    );
    assert.match(bulk.results[1]!.error!.message, /phone/);
    assert.equal(await count('customers'), customersBefore + 2);
    assert.equal(await count('identities'), identitiesBefore + 1, 'no identity of the bad item');
    const [ada] = await byEmail(`ada.${tag}@example.com`);
    assert.equal(ada?.id, bulk.results[0]!.id);
  });

  it('finds the customer by identity: a second upsert updates instead of creating', async () => {
    const email = `grace.${randomUUID()}@example.com`;
    const first = await execute(gateway.url, UpsertCustomersDocument, {
      input: [{ displayName: 'Grace', identities: [{ type: 'EMAIL', value: email }] }],
    });
    const second = await execute(gateway.url, UpsertCustomersDocument, {
      input: [
        {
          displayName: 'Grace Hopper',
          traits: { rank: 'admiral' },
          identities: [
            { type: 'EMAIL', value: email.toUpperCase() },
            { type: 'PHONE', value: '+44 20 7946 0958' },
          ],
        },
      ],
    });

    const [created, updated] = [first, second].map((r) => r.data!.upsertCustomers.results[0]!);
    assert.equal(created?.status, 'CREATED');
    assert.equal(updated?.status, 'UPDATED');
    assert.equal(updated?.id, created?.id);
    const [grace] = await byEmail(email);
    assert.equal(grace?.displayName, 'Grace Hopper');
    assert.deepEqual(grace?.traits, { rank: 'admiral' });
    assert.deepEqual(
      grace?.identities.map((i) => `${i.type}:${i.value}`),
      [`EMAIL:${email}`, 'PHONE:+442079460958'],
    );
  });

  it('merges every other owner of the identities into the customer (identity_conflict)', async () => {
    const [email, crm] = [`linus.${randomUUID()}@example.com`, `crm-${randomUUID()}`];
    // Two calls, so the web profile is the older one (a batch shares one creation time).
    const seed = async (
      displayName: string,
      traits: Record<string, unknown>,
      type: 'EMAIL' | 'CRM_ID',
      value: string,
    ) =>
      (
        await execute(gateway.url, UpsertCustomersDocument, {
          input: [{ displayName, traits, identities: [{ type, value }] }],
        })
      ).data!.upsertCustomers.results[0]!.id!;
    const webId = await seed('Linus (web)', { source: 'web' }, 'EMAIL', email);
    const crmId = await seed('Linus (crm)', { tier: 2, segment: 'b2b' }, 'CRM_ID', crm);

    const linked = await execute(gateway.url, UpsertCustomerDocument, {
      input: {
        displayName: 'Linus',
        traits: { tier: 3 },
        traitsMode: 'REPLACE',
        identities: [
          { type: 'CRM_ID', value: crm },
          { type: 'EMAIL', value: email },
        ],
      },
    });

    assert.equal(linked.errors, undefined, JSON.stringify(linked.errors));
    // The customer created first survives; the other resolves to it.
    assert.equal(linked.data!.upsertCustomer.id, webId);
    // REPLACE drops the survivor's traits; the merged profile fills in what it lacks.
    assert.deepEqual(linked.data!.upsertCustomer.traits, { tier: 3, segment: 'b2b' });
    const viaOldId = await execute(gateway.url, CustomerProfileDocument, { id: crmId });
    assert.equal(viaOldId.data?.customer?.id, webId);
    const [survivor] = await byEmail(email);
    assert.deepEqual(survivor?.mergedFrom, [crmId]);
    assert.equal(survivor?.identities.length, 2);
    const { rows } = await gateway.backends.postgres.query(
      'SELECT cause FROM customer_merges WHERE merged_id = $1',
      [crmId],
    );
    assert.deepEqual(rows, [{ cause: 'identity_conflict' }]);
  });

  it('merges traits by default: a rename keeps the others, null removes a key', async () => {
    const created = await execute(gateway.url, UpsertCustomerDocument, {
      input: {
        displayName: 'Ada',
        traits: { city: 'London', plan: 'gold', householdId: 'h-1', interests: ['maths'] },
      },
    });
    const id = created.data!.upsertCustomer.id;

    // The README's rename: only interests given.
    const renamed = await execute(gateway.url, UpsertCustomerDocument, {
      input: { id, displayName: 'Ada Lovelace', traits: { interests: ['jazz'], city: null } },
    });

    assert.equal(renamed.errors, undefined, JSON.stringify(renamed.errors));
    assert.deepEqual(renamed.data!.upsertCustomer.traits, {
      plan: 'gold',
      householdId: 'h-1',
      interests: ['jazz'],
    });
    const untouched = await execute(gateway.url, UpsertCustomerDocument, {
      input: { id, displayName: 'Ada L.' },
    });
    assert.deepEqual(untouched.data!.upsertCustomer.traits, renamed.data!.upsertCustomer.traits);

    const replaced = await execute(gateway.url, UpsertCustomerDocument, {
      input: { id, displayName: 'Ada', traits: { plan: 'silver' }, traitsMode: 'REPLACE' },
    });
    assert.deepEqual(replaced.data!.upsertCustomer.traits, { plan: 'silver' });
  });

  it('merges traits in bulk too, and concurrent patches of different keys both land', async () => {
    const created = await execute(gateway.url, UpsertCustomerDocument, {
      input: { displayName: 'Grace', traits: { plan: 'gold', drop: 1 } },
    });
    const id = created.data!.upsertCustomer.id;

    const patches = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        execute(gateway.url, UpsertCustomersDocument, {
          input: [{ id, displayName: 'Grace', traits: { [`k${i}`]: i, drop: null } }],
        }),
      ),
    );

    for (const patch of patches) {
      assert.equal(patch.data?.upsertCustomers.updated, 1, JSON.stringify(patch));
    }
    const { rows } = await gateway.backends.postgres.query<{ traits: Record<string, unknown> }>(
      'SELECT traits FROM customers WHERE id = $1',
      [id],
    );
    assert.deepEqual(rows[0]!.traits, {
      plan: 'gold',
      ...Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`k${i}`, i])),
    });
  });

  it('rejects an identity of an erased customer with SUPPRESSED, and stores nothing for it', async () => {
    const email = `erased.${randomUUID()}@example.com`;
    const seeded = await execute(gateway.url, UpsertCustomersDocument, {
      input: [{ displayName: 'To Be Forgotten', identities: [{ type: 'EMAIL', value: email }] }],
    });
    await execute(gateway.url, EraseCustomerDocument, {
      id: seeded.data!.upsertCustomers.results[0]!.id!,
    });
    const before = await count('customers');

    const again = await execute(gateway.url, UpsertCustomersDocument, {
      input: [{ displayName: 'Back Again', identities: [{ type: 'EMAIL', value: email }] }],
    });
    const single = await execute(gateway.url, UpsertCustomerDocument, {
      input: { displayName: 'Back Again', identities: [{ type: 'EMAIL', value: email }] },
    });

    assert.equal(again.data!.upsertCustomers.results[0]!.error?.code, 'SUPPRESSED');
    assert.equal(single.errors?.[0]?.extensions?.['code'], 'SUPPRESSED');
    assert.equal(await count('customers'), before);
  });

  it('refuses an empty or oversized batch with BAD_USER_INPUT, writing nothing', async () => {
    const before = await count('customers');
    const items = Array.from({ length: 6 }, (_, i) => ({ displayName: `Too many ${i}` }));

    const oversized = await execute(gateway.url, UpsertCustomersDocument, { input: items });
    const empty = await execute(gateway.url, UpsertCustomersDocument, { input: [] });

    for (const result of [oversized, empty]) {
      assert.equal(result.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    }
    assert.match(oversized.errors![0]!.message, /1 to 5 items, got 6/);
    assert.equal(await count('customers'), before);
  });

  it('makes one customer when many requests upsert one new identity at once', async () => {
    const email = `race.${randomUUID()}@example.com`;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        execute(gateway.url, UpsertCustomersDocument, {
          input: [{ displayName: `Racer ${i}`, identities: [{ type: 'EMAIL', value: email }] }],
        }),
      ),
    );

    const ids = new Set(results.map((r) => r.data?.upsertCustomers.results[0]?.id));
    assert.equal(ids.size, 1, JSON.stringify(results.map((r) => r.errors ?? r.data)));
    assert.equal((await byEmail(email)).length, 1);
  });
});
