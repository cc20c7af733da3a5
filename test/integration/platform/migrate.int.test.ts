import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { migrate } from '../../../src/datasources/migrate.js';
import { Postgres } from '../../../src/datasources/postgres.js';
import { createSilentLogger } from '../../../src/logger.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

describe('migrate', () => {
  let database: TestDatabase;
  const pools: Postgres[] = [];
  const open = () => {
    const postgres = new Postgres({
      kind: 'postgresql',
      connection: { connectionString: database.url },
      target: database.name,
      poolMax: 2,
      connectTimeoutMs: 5_000,
      statementTimeoutMs: 30_000,
      logger: createSilentLogger(),
    });
    pools.push(postgres);
    return postgres;
  };

  before(async () => {
    database = await createTestDatabase();
  });

  after(async () => {
    await Promise.all(pools.map((pool) => pool.close()));
    await database.drop();
  });

  it('applies every migration once, even when two gateways start together', async () => {
    const [first, second] = await Promise.all([
      migrate(open(), createSilentLogger()),
      migrate(open(), createSilentLogger()),
    ]);

    const applied = [...first.applied, ...second.applied];
    assert.ok(applied.length >= 3, `applied: ${applied.join(', ')}`);
    assert.equal(new Set(applied).size, applied.length, 'no migration ran twice');
    assert.equal(first.to, second.to);
  });

  it('changes nothing when run again', async () => {
    const again = await migrate(open(), createSilentLogger());

    assert.deepEqual(again.applied, []);
    assert.equal(again.from, again.to);
  });

  it('leaves pgvector and the customer tables in place', async () => {
    const postgres = open();
    const { rows } = await postgres.query<{ extversion: string }>(
      `SELECT extversion FROM pg_extension WHERE extname = 'vector'`,
    );
    assert.equal(rows.length, 1);
    const tables = await postgres.query<{ tablename: string }>(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
    );
    assert.deepEqual(
      tables.rows.map((row) => row.tablename),
      [
        'api_keys',
        'audit_log',
        'campaigns',
        'content',
        'customer_consents',
        'customer_embeddings',
        'customer_merges',
        'customers',
        'erasure_suppressions',
        'events',
        'identities',
        'outbox',
        'products',
        'schema_migrations',
      ],
    );
  });
});
