import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { migrate, MIGRATIONS_DIR } from '../../../src/datasources/migrate.js';
import { type Postgres } from '../../../src/datasources/postgres.js';
import { createSilentLogger } from '../../../src/logger.js';
import { createTestDatabase, openTestPostgres, type TestDatabase } from '../../support/database.js';

describe('migrate', () => {
  let database: TestDatabase;
  const pools: Postgres[] = [];
  const open = () => {
    const postgres = openTestPostgres(database, { poolMax: 2, statementTimeoutMs: 30_000 });
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
        'campaign_targets',
        'campaigns',
        'change_feed',
        'change_feed_horizon',
        'content',
        'customer_360',
        'customer_360_changes',
        'customer_360_dirty',
        'customer_360_refs',
        'customer_consents',
        'customer_embeddings',
        'customer_merges',
        'customer_predictions',
        'customer_relationships',
        'customers',
        'duplicate_suggestions',
        'erased_customers',
        'erasure_suppressions',
        'events',
        'identities',
        'item_embeddings',
        'merge_records',
        'outbox',
        'outbox_routes',
        'prediction_models',
        'products',
        'recommendation_impressions',
        'recommendation_models',
        'schema_migrations',
        'segment_builds',
        'segment_memberships',
        'segment_versions',
        'segments',
        'webhook_dead_letters',
        'webhook_deliveries',
        'webhook_destinations',
      ],
    );
  });
});

describe('migrating erasure data', () => {
  const databases: TestDatabase[] = [];
  const pools: Postgres[] = [];
  const folders: string[] = [];

  /** A new database migrated to just before `file`, as an earlier version left it. */
  const migratedUpTo = async (file: string) => {
    const database = await createTestDatabase();
    databases.push(database);
    const postgres = openTestPostgres(database, { poolMax: 1, statementTimeoutMs: 30_000 });
    pools.push(postgres);
    const earlier = await mkdtemp(path.join(os.tmpdir(), 'c360-migrations-'));
    folders.push(earlier);
    for (const name of await readdir(MIGRATIONS_DIR)) {
      if (name < file) {
        await copyFile(path.join(MIGRATIONS_DIR, name), path.join(earlier, name));
      }
    }
    await migrate(postgres, createSilentLogger(), `${earlier}/`);
    return postgres;
  };

  after(async () => {
    await Promise.all(pools.map((pool) => pool.close()));
    await Promise.all(databases.map((database) => database.drop()));
    await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
  });

  it('marks suppressions written before the pepper as plain SHA-256 and makes every new row name its scheme', async () => {
    const postgres = await migratedUpTo('20261124090000.do.add_suppression_key_scheme.sql');
    await postgres.query(`INSERT INTO erasure_suppressions (identity_hash) VALUES ('old-hash')`);

    await migrate(postgres, createSilentLogger());

    const { rows } = await postgres.query<{ key_scheme: string }>(
      `SELECT key_scheme FROM erasure_suppressions WHERE identity_hash = 'old-hash'`,
    );
    assert.deepEqual(rows, [{ key_scheme: 'sha256' }]);
    await assert.rejects(
      postgres.query(`INSERT INTO erasure_suppressions (identity_hash) VALUES ('new-hash')`),
      /key_scheme/,
    );
    await assert.rejects(
      postgres.query(
        `INSERT INTO erasure_suppressions (identity_hash, key_scheme) VALUES ('new-hash', 'md5')`,
      ),
      /erasure_suppressions_key_scheme_check/,
    );
  });

  it('keeps the customers erased before their ids were recorded erased, from the audit log of each erasure', async () => {
    const postgres = await migratedUpTo('20261124090100.do.create_erased_customers.sql');
    const [erased, viaMergedId, mergedId, revived] = [
      randomUUID(),
      randomUUID(),
      randomUUID(),
      randomUUID(),
    ];
    await postgres.query(
      `INSERT INTO audit_log (action, subject_ids, details) VALUES
         ('customer.erased', ARRAY[$1::uuid], jsonb_build_object('requestedId', $1::text)),
         ('customer.erased', ARRAY[$2::uuid], jsonb_build_object('requestedId', $3::text)),
         ('customer.erased', ARRAY[$4::uuid], jsonb_build_object('requestedId', $4::text)),
         ('customer.exported', ARRAY[$4::uuid], '{}')`,
      [erased, viaMergedId, mergedId, revived],
    );
    // Written again after its erasure, as upsertCustomer could: left for an operator to judge.
    await postgres.query(`INSERT INTO customers (id, display_name) VALUES ($1, 'Revived')`, [
      revived,
    ]);

    await migrate(postgres, createSilentLogger());

    const { rows } = await postgres.query<{ customer_id: string }>(
      `SELECT customer_id FROM erased_customers ORDER BY customer_id`,
    );
    assert.deepEqual(
      rows.map((row) => row.customer_id),
      [erased, viaMergedId, mergedId].sort(),
    );
  });
});
