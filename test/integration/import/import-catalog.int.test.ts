import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { FormattedExecutionResult } from 'graphql';

import {
  CampaignPageDocument,
  ProductPageDocument,
  type ProductPageQuery,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { sharedDataFile } from '../../support/shared-data.js';
import { readJsonLines, runImportCli, tempDir } from '../../support/import-cli.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

const MOVIELENS_MOVIES = sharedDataFile('movielens-latest-small/movies.csv');

describe('c360 import --kind products and campaigns', () => {
  let gateway: TestApp;
  let dir: Awaited<ReturnType<typeof tempDir>>;

  before(async () => {
    gateway = await createTestApp();
    dir = await tempDir();
  });

  after(async () => {
    await dir.remove();
    await gateway.stop();
  });

  const allProducts = async (category: string) => {
    const skus: string[] = [];
    let after: string | null = null;
    do {
      const page: FormattedExecutionResult<ProductPageQuery> = await execute(
        gateway.url,
        ProductPageDocument,
        { first: 100, after, filter: { category } },
      );
      const products = page.data!.products;
      skus.push(...products.edges.map((e) => e.node.sku));
      after = products.pageInfo.hasNextPage ? products.pageInfo.endCursor : null;
    } while (after !== null);
    return skus;
  };

  it(
    'imports MovieLens movies as products, genres as categories; a second run only updates',
    {
      skip: MOVIELENS_MOVIES === null && 'the MovieLens data was not found (set C360_SHARED_DATA)',
    },
    async () => {
      // movies.csv is movieId,title,genres (genres separated by |): rename the header only.
      const lines = (await readFile(MOVIELENS_MOVIES!, 'utf8')).split(/\r?\n/).slice(0, 201);
      const expectedComedies = lines
        .slice(1)
        .filter((line) => /(^|[,|])Comedy($|\|)/.test(line))
        .map((line) => line.split(',')[0]!);
      const file = path.join(dir.path, 'movies.csv');
      await writeFile(file, ['sku,name,categories', ...lines.slice(1)].join('\n') + '\n');

      const first = await runImportCli(gateway.apiKey, [
        file,
        '--kind',
        'products',
        '--url',
        gateway.url,
      ]);
      const again = await runImportCli(gateway.apiKey, [
        file,
        '--kind',
        'products',
        '--url',
        gateway.url,
      ]);

      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /read 200, created 200, updated 0,.* rejected 0;/);
      assert.match(again.stdout, /read 200, created 0, updated 200,.* rejected 0;/);
      assert.deepEqual((await allProducts('Comedy')).sort(), expectedComedies.sort());
    },
  );

  it('imports campaigns from JSONL, reporting a row with an unknown channel by line', async () => {
    const file = path.join(dir.path, 'campaigns.jsonl');
    await writeFile(
      file,
      [
        { externalId: 'imp-spring', name: 'Spring sale', channel: 'email', status: 'active' },
        { externalId: 'imp-fax', name: 'Fax blast', channel: 'fax' },
        {
          externalId: 'imp-summer',
          name: 'Summer',
          channel: 'PUSH',
          startsAt: '2026-06-01T00:00:00Z',
          endsAt: '2026-05-01T00:00:00Z',
        },
        { externalId: 'imp-autumn', name: 'Autumn', channel: 'sms' },
      ]
        .map((row) => JSON.stringify(row))
        .join('\n'),
    );

    const run = await runImportCli(gateway.apiKey, [
      file,
      '--kind',
      'campaigns',
      '--url',
      gateway.url,
    ]);

    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /read 4, created 2, updated 0,.* rejected 2;/);
    assert.deepEqual(
      ((await readJsonLines(`${file}.errors.jsonl`)) as { line: number; code: string }[]).map(
        (e) => [e.line, e.code],
      ),
      [
        [2, 'BAD_USER_INPUT'],
        [3, 'BAD_USER_INPUT'],
      ],
    );
    const page = await execute(gateway.url, CampaignPageDocument, { first: 10 });
    assert.deepEqual(
      page.data?.campaigns.edges.map((e) => `${e.node.externalId}:${e.node.status}`),
      ['imp-autumn:DRAFT', 'imp-spring:ACTIVE'],
    );
  });
  it('imports availability and keywords of products from CSV, rejecting a bad stock count by line', async () => {
    const file = path.join(dir.path, 'stock.csv');
    await writeFile(
      file,
      [
        'sku,name,inStock,stockCount,keywords',
        'IMP-KW-1,Jacket,,4, Rain |Outdoor|rain',
        'IMP-KW-2,Boots,,0,',
        'IMP-KW-3,Tent,yes,0,camping',
        'IMP-KW-4,Stove,,-3,',
        'IMP-KW-5,Lamp,,many,',
      ].join('\n') + '\n',
    );

    const run = await runImportCli(gateway.apiKey, [
      file,
      '--kind',
      'products',
      '--url',
      gateway.url,
    ]);

    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /read 5, created 3, updated 0,.* rejected 2;/);
    assert.deepEqual(
      ((await readJsonLines(`${file}.errors.jsonl`)) as { line: number; code: string }[]).map(
        (e) => [e.line, e.code],
      ),
      [
        [5, 'BAD_USER_INPUT'],
        [6, 'BAD_USER_INPUT'],
      ],
    );
    const { rows } = await gateway.backends.postgres.query<{
      sku: string;
      in_stock: boolean;
      stock_count: number | null;
      keywords: string[];
    }>(
      `SELECT sku, in_stock, stock_count, keywords FROM products WHERE sku LIKE 'IMP-KW-%' ORDER BY sku`,
    );
    assert.deepEqual(
      rows.map((r) => [r.sku, r.in_stock, r.stock_count, r.keywords]),
      [
        ['IMP-KW-1', true, 4, ['rain', 'outdoor']],
        ['IMP-KW-2', false, 0, []],
        ['IMP-KW-3', true, 0, ['camping']],
      ],
    );
  });
});
