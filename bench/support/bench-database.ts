import pg from 'pg';

/** The benches' database on the machine's PostgreSQL (DATABASE_URL overrides it). */
export const BENCH_DATABASE_URL =
  process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/c360_bench';

/** A database's name, checked before it goes into CREATE or DROP DATABASE. */
function databaseName(url: string): string {
  const name = new URL(url).pathname.slice(1);
  if (!/^\w+$/.test(name)) {
    throw new Error(`unexpected bench database name: ${name}`);
  }
  return name;
}

async function adminQuery(statement: string): Promise<void> {
  const url = new URL(BENCH_DATABASE_URL);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * Creates the bench database (or another on the same server) unless it exists: a loaded
 * dataset is kept between runs.
 */
export async function ensureBenchDatabase(url = BENCH_DATABASE_URL): Promise<void> {
  await adminQuery(`CREATE DATABASE ${databaseName(url)}`).catch((error: { code?: string }) => {
    if (error.code !== '42P04') {
      throw error;
    }
  });
}

/** Drops the bench database, or another on the same server (BENCH_RESET=1). */
export async function dropBenchDatabase(url = BENCH_DATABASE_URL): Promise<void> {
  await adminQuery(`DROP DATABASE IF EXISTS ${databaseName(url)} WITH (FORCE)`);
}
