import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import pg from 'pg';

import { readJsonLines, tempDir } from '../../support/import-cli.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

const CLI = fileURLToPath(new URL('../../../src/cli/c360.js', import.meta.url));

/** A small shop: 12 users who all like the A-items, each also owning one B-item. */
function dataset() {
  const header = 'user_id,item_id,rating,timestamp';
  const train: string[] = [header];
  const test: string[] = [header];
  for (let u = 0; u < 12; u++) {
    // Everyone rated a1..a4; each user's fifth A-item is held out, so the A-items predict it.
    for (const item of ['a1', 'a2', 'a3', 'a4']) {
      train.push(`u${u},${item},5,1700000000`);
    }
    train.push(`u${u},b${u % 3},4.5,1700000000`);
    (u % 2 === 0 ? test : train).push(`u${u},a5,5,1700000000`);
  }
  const items = ['item_id,title,categories,keywords'];
  for (const id of ['a1', 'a2', 'a3', 'a4', 'a5', 'b0', 'b1', 'b2']) {
    items.push(`${id},"Item ${id}, the title",${id[0]}|shop,${id}-word`);
  }
  return { train: train.join('\n'), test: test.join('\n'), items: items.join('\n') };
}

describe('c360 eval (CLI, served recommender on an isolated database)', () => {
  let database: TestDatabase;
  let dir: Awaited<ReturnType<typeof tempDir>>;

  before(async () => {
    database = await createTestDatabase();
    dir = await tempDir();
    const { train, test, items } = dataset();
    await writeFile(path.join(dir.path, 'train.csv'), train);
    await writeFile(path.join(dir.path, 'test.csv'), test);
    await writeFile(path.join(dir.path, 'items.csv'), items);
  });

  after(async () => {
    await dir?.remove();
    await database?.drop();
  });

  it('loads the training split through the gateway, prints every row, writes predictions and leaves no database behind', async () => {
    const databasesBefore = await evalDatabases(database.url);
    const file = (name: string) => path.join(dir.path, name);
    const run = await runCli(database.url, [
      'eval',
      '--train',
      file('train.csv'),
      '--test',
      file('test.csv'),
      '--items',
      file('items.csv'),
      '--k',
      '3',
      '--predictions',
      file('predictions.jsonl'),
    ]);
    assert.equal(run.code, 0, run.stderr);
    for (const row of ['MostPopular', 'ItemKNN', 'EASE', 'c360 (served)']) {
      assert.match(
        run.stdout,
        new RegExp(`^${row.replace(/[()]/g, '\\$&')}\\s+[01]\\.\\d{4}`, 'm'),
      );
    }
    const predictions = (await readJsonLines(file('predictions.jsonl'))) as {
      user_id: string;
      items: string[];
    }[];
    assert.equal(predictions.length, 6, 'one line per test user');
    for (const p of predictions) {
      assert.equal(p.items[0], 'a5', `${p.user_id} gets the held-out item first`);
      assert.ok(!p.items.some((i) => ['a1', 'a2', 'a3', 'a4'].includes(i)), 'never what they have');
    }
    assert.deepEqual(await evalDatabases(database.url), databasesBefore);
  });
});

async function evalDatabases(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'c360_eval_%' ORDER BY 1`,
    );
    return rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
}

function runCli(databaseUrl: string, args: readonly string[]) {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
