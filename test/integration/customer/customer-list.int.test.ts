import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  CustomerPageDocument,
  type CustomerPageQuery,
  type CustomerPageQueryVariables,
  UpsertCustomerDocument,
  UpsertCustomersDocument,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

describe('Query.customers (filter, first, after)', () => {
  let gateway: TestApp;
  const tag = randomUUID().slice(0, 8);
  let ids: string[] = [];
  let createdBetween: Date;

  before(async () => {
    gateway = await createTestApp();
    const make = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, k) => {
        const i = from + k;
        return {
          displayName: `Member ${i} ${tag}`,
          traits: { tag, plan: i % 3 === 0 ? 'gold' : 'basic', interests: i % 2 ? ['jazz'] : [] },
          identities:
            i % 4 === 0 ? [{ type: 'EMAIL' as const, value: `m${i}.${tag}@example.com` }] : [],
        };
      });
    const first = await execute(gateway.url, UpsertCustomersDocument, { input: make(0, 6) });
    createdBetween = new Date();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await execute(gateway.url, UpsertCustomersDocument, { input: make(6, 12) });
    ids = [first, second].flatMap((r) => r.data!.upsertCustomers.results.map((x) => x.id!));
  });

  after(async () => {
    await gateway.stop();
  });

  /** Every page of a query, following endCursor, as the customers' numbers in page order. */
  async function allPages(variables: Omit<CustomerPageQueryVariables, 'after'>) {
    const names: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page += 1) {
      const result: Awaited<
        ReturnType<typeof execute<CustomerPageQuery, CustomerPageQueryVariables>>
      > = await execute(gateway.url, CustomerPageDocument, { ...variables, after });
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      const connection = result.data!.customers;
      names.push(...connection.edges.map((e) => e.node.displayName.split(' ')[1]!));
      if (!connection.pageInfo.hasNextPage) {
        return names;
      }
      after = connection.pageInfo.endCursor!;
    }
    throw new Error('more than 20 pages');
  }

  it('pages through every match exactly once, newest first (ties by id)', async () => {
    const names = await allPages({ first: 5, filter: { traits: { tag } } });

    // Each batch is one transaction, so its members share one creation time.
    const byIdDesc = (numbers: number[]) =>
      numbers.sort((a, b) => (ids[a]! < ids[b]! ? 1 : -1)).map(String);
    assert.deepEqual(names, [...byIdDesc([6, 7, 8, 9, 10, 11]), ...byIdDesc([0, 1, 2, 3, 4, 5])]);
  });

  it('filters by traits containment, identity, identity kind, name and time', async () => {
    const cases: [CustomerPageQueryVariables['filter'], string[]][] = [
      [{ traits: { tag, plan: 'gold' } }, ['9', '6', '3', '0']],
      [{ traits: { tag, interests: ['jazz'] } }, ['11', '9', '7', '5', '3', '1']],
      [{ identity: { type: 'EMAIL', value: `M4.${tag}@EXAMPLE.com` } }, ['4']],
      [{ traits: { tag }, hasIdentityType: 'EMAIL' }, ['8', '4', '0']],
      [{ nameContains: `ember 1${'0'} ${tag}` }, ['10']],
      [{ nameContains: `${tag}%` }, []],
      [
        { traits: { tag }, createdTo: createdBetween.toISOString() },
        ['5', '4', '3', '2', '1', '0'],
      ],
      [
        { traits: { tag }, createdFrom: createdBetween.toISOString() },
        ['11', '10', '9', '8', '7', '6'],
      ],
    ];
    for (const [filter, expected] of cases) {
      const names = await allPages({ first: 4, filter });
      assert.deepEqual(
        names
          .map(Number)
          .sort((a, b) => b - a)
          .map(String),
        expected,
        JSON.stringify(filter),
      );
    }
  });

  it('orders by last change with UPDATED_DESC', async () => {
    await execute(gateway.url, UpsertCustomerDocument, {
      input: { id: ids[2]!, displayName: `Member 2 ${tag}`, traits: { tag, plan: 'basic' } },
    });

    const names = await allPages({
      first: 3,
      filter: { traits: { tag } },
      orderBy: 'UPDATED_DESC',
    });

    assert.equal(names[0], '2');
    assert.equal(names.length, 12);
  });

  it('refuses a foreign cursor, a cursor of another order and a malformed identity', async () => {
    const page = await execute(gateway.url, CustomerPageDocument, {
      first: 2,
      filter: { traits: { tag } },
    });
    const cursor = page.data!.customers.pageInfo.endCursor!;

    const results = await Promise.all([
      execute(gateway.url, CustomerPageDocument, { first: 2, after: 'bm90LWEtY3Vyc29y' }),
      execute(gateway.url, CustomerPageDocument, {
        first: 2,
        after: cursor,
        orderBy: 'UPDATED_DESC',
      }),
      execute(gateway.url, CustomerPageDocument, {
        first: 2,
        filter: { identity: { type: 'PHONE', value: '12' } },
      }),
    ]);

    for (const result of results) {
      assert.equal(result.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
      assert.equal(result.data, null);
    }
  });
});
