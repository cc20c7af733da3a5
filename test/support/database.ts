import { randomBytes } from 'node:crypto';

import pg from 'pg';

import { Postgres } from '../../src/datasources/postgres.js';
import { createSilentLogger } from '../../src/logger.js';
import { TEST_SERVICES } from './services.js';

/** A database of its own for one test file, dropped by `drop()`. */
export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Creates an empty database on the test PostgreSQL server; migrations are the caller's. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `c360_test_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(TEST_SERVICES.adminDatabaseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    // WITH (FORCE) ends connections a failed test may have left open.
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** A pool on a test database, opened as the gateway opens its own; the caller closes it. */
export function openTestPostgres(
  database: TestDatabase,
  { poolMax = 4, statementTimeoutMs = 10_000 } = {},
): Postgres {
  return new Postgres({
    kind: 'postgresql',
    connection: { connectionString: database.url },
    target: database.name,
    poolMax,
    connectTimeoutMs: 5_000,
    statementTimeoutMs,
    logger: createSilentLogger(),
  });
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_SERVICES.adminDatabaseUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * How many sessions of the database wait on a lock right now; with `markers`, only those running
 * a statement whose text holds one of them (its SQL comment). Asked on a connection of its own:
 * inside a transaction PostgreSQL serves pg_stat_activity from a snapshot, so a lock holder
 * polling it would keep reading the count from its first look.
 */
export async function lockWaiters(url: string, ...markers: string[]): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock'
         AND (cardinality($1::text[]) = 0 OR query LIKE ANY ($1::text[]))`,
      [markers.map((marker) => `%${marker}%`)],
    );
    return rows[0]!.n;
  } finally {
    await client.end();
  }
}
