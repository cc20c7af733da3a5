import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';

import { CustomerPageDocument, CustomerProfileDocument } from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { sharedDataFile } from '../../support/shared-data.js';
import { readJsonLines, runImportCli, tempDir } from '../../support/import-cli.js';
import { removeFromGraph, type SeededCustomer, seedCustomer } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { until } from '../../support/until.js';

// The team's shared/ folder sits beside the repository (dist/test/integration/import/ is 4 deep).
const MOVIELENS_RATINGS = sharedDataFile('movielens-latest-small/ratings.csv');

describe('c360 import --kind customers and relationships', () => {
  let gateway: TestApp;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const byIdentity = async (type: 'USER_ID' | 'CRM_ID', value: string) => {
    const page = await execute(gateway.url, CustomerPageDocument, {
      filter: { identity: { type, value } },
      first: 5,
    });
    return page.data?.customers.edges.map((edge) => edge.node) ?? [];
  };

  before(async () => {
    gateway = await createTestApp();
    dir = await tempDir();
  });

  after(async () => {
    await dir.remove();
    await gateway.stop();
  });

  it('upserts customers from CSV, matching rows to customers by their identity columns', async () => {
    const userId = `u-${randomUUID()}`;
    const file = path.join(dir.path, 'customers.csv');
    await writeFile(
      file,
      [
        'id,displayName,email,user_id,traits.plan,traits.age',
        `,Ada,ada@example.com,${userId},gold,36`,
        ',Nobody,,,,',
        `,,,u-${randomUUID()},,`,
        `,Ada Lovelace,,${userId},platinum,`,
        `,Eve,not-an-email,u-${randomUUID()},,`,
      ].join('\n') + '\n',
    );

    const run = await runImportCli(gateway.apiKey, [
      file,
      '--kind',
      'customers',
      '--url',
      gateway.url,
    ]);

    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /read 5, created 1, updated 1, unchanged 0, rejected 3;/);
    assert.deepEqual(
      ((await readJsonLines(`${file}.errors.jsonl`)) as { line: number; code: string }[]).map(
        (e) => [e.line, e.code],
      ),
      [
        [3, 'BAD_USER_INPUT'],
        [4, 'BAD_USER_INPUT'],
        [6, 'BAD_USER_INPUT'],
      ],
    );
    const [ada, ...others] = await byIdentity('USER_ID', userId);
    assert.equal(others.length, 0);
    assert.equal(ada?.displayName, 'Ada Lovelace');
    // Traits merge (upsertCustomers' default): the second row's empty age cell leaves it alone.
    assert.deepEqual(ada?.traits, { age: 36, plan: 'platinum' });
    assert.deepEqual(ada?.identities.map((i) => `${i.type}:${i.value}`).sort(), [
      'EMAIL:ada@example.com',
      `USER_ID:${userId}`,
    ]);
  });

  it('imports the same customers JSONL twice without duplicating anyone', async () => {
    const crmId = `crm-${randomUUID()}`;
    const id = randomUUID();
    const file = path.join(dir.path, 'customers.jsonl');
    await writeFile(
      file,
      [
        { id, displayName: 'Grace', traits: { interests: ['navy'] } },
        { displayName: 'Alan', identities: [{ type: 'CRM_ID', value: crmId }] },
      ]
        .map((row) => JSON.stringify(row))
        .join('\n'),
    );

    const first = await runImportCli(gateway.apiKey, [
      file,
      '--kind',
      'customers',
      '--url',
      gateway.url,
    ]);
    const again = await runImportCli(gateway.apiKey, [
      file,
      '--kind',
      'customers',
      '--url',
      gateway.url,
    ]);

    assert.match(first.stdout, /read 2, created 2, updated 0,/);
    assert.match(again.stdout, /read 2, created 0, updated 2,/);
    assert.equal((await byIdentity('CRM_ID', crmId)).length, 1);
    const grace = await execute(gateway.url, CustomerProfileDocument, { id });
    assert.deepEqual(grace.data?.customer?.traits, { interests: ['navy'] });
  });

  it('links relationships from CSV, reporting an unknown customer by line', async () => {
    const [ann, bob, cat] = (await Promise.all(
      ['Ann', 'Bob', 'Cat'].map((name) => seedCustomer(gateway.url, name, [])),
    )) as [SeededCustomer, SeededCustomer, SeededCustomer];
    const file = path.join(dir.path, 'relationships.csv');
    await writeFile(
      file,
      [
        'fromId,toId,type',
        `${ann.id},${bob.id},spouse_of`,
        `${ann.id},${randomUUID()},PARENT_OF`,
        `${ann.id},${cat.id},PARENT_OF`,
        `${ann.id},${cat.id},COUSIN_OF`,
      ].join('\n'),
    );

    try {
      const run = await runImportCli(gateway.apiKey, [
        file,
        '--kind',
        'relationships',
        '--url',
        gateway.url,
      ]);

      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /read 4, created 2, updated 0, unchanged 0, rejected 2;/);
      assert.deepEqual(
        ((await readJsonLines(`${file}.errors.jsonl`)) as { line: number; code: string }[]).map(
          (e) => [e.line, e.code],
        ),
        [
          [3, 'NOT_FOUND'],
          [5, 'BAD_USER_INPUT'],
        ],
      );
      const family = await until(
        async () => {
          const profile = await execute(gateway.url, CustomerProfileDocument, { id: ann.id });
          return (profile.data?.customer?.family ?? [])
            .map((r) => `${r.relation}:${r.customer?.displayName}`)
            .sort();
        },
        (f) => f.length === 2,
        10_000,
      );
      assert.deepEqual(family, ['CHILD:Cat', 'SPOUSE:Bob']);
    } finally {
      await removeFromGraph(gateway.backends, [ann.id, bob.id, cat.id]);
    }
  });

  it(
    'imports MovieLens ratings as events, one customer per MovieLens user',
    {
      skip: MOVIELENS_RATINGS === null && 'the MovieLens data was not found (set C360_SHARED_DATA)',
    },
    async () => {
      const ratings = await firstRatings(300);
      const file = path.join(dir.path, 'ratings.jsonl');
      await writeFile(
        file,
        ratings
          .map((r) =>
            JSON.stringify({
              messageId: `movielens-${r.userId}-${r.movieId}`,
              identity: { type: 'user_id', value: `movielens-${r.userId}` },
              type: 'custom',
              name: 'rating',
              properties: { movieId: r.movieId, rating: r.rating },
              occurredAt: new Date(r.timestamp * 1000).toISOString(),
            }),
          )
          .join('\n'),
      );

      const run = await runImportCli(gateway.apiKey, [
        file,
        '--kind',
        'events',
        '--url',
        gateway.url,
      ]);

      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /read 300, created 300, updated 0, unchanged 0, rejected 0;/);
      const users = new Set(ratings.map((r) => `movielens-${r.userId}`));
      const { rows } = await gateway.backends.postgres.query<{ n: string }>(
        `SELECT count(DISTINCT customer_id) AS n FROM identities WHERE type = 'user_id' AND value = ANY($1::text[])`,
        [[...users]],
      );
      assert.equal(Number(rows[0]!.n), users.size);
    },
  );
});

/** The first `count` ratings of the MovieLens file, read from where it lies (never committed). */
async function firstRatings(count: number) {
  const ratings: { userId: number; movieId: number; rating: number; timestamp: number }[] = [];
  const lines = createInterface({ input: createReadStream(MOVIELENS_RATINGS!) });
  for await (const line of lines) {
    const [userId, movieId, rating, timestamp] = line.split(',').map(Number);
    if (!Number.isNaN(userId)) {
      ratings.push({ userId: userId!, movieId: movieId!, rating: rating!, timestamp: timestamp! });
    }
    if (ratings.length === count) {
      lines.close();
      break;
    }
  }
  return ratings;
}
