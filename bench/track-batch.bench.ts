/**
 * The write path of events alone: `trackEvents` (what `trackBatch` runs) against a migrated
 * database, with no gateway, relay or follower, so the figure is what the transaction costs.
 * Counts every statement it runs by name (and the time spent in each, as the client sees it)
 * and prints events/s for batches of known customers, with `BENCH_CALLERS` concurrent
 * callers over a population small enough that concurrent batches share customers; then one
 * run where every event's identity is new, and one of replays (every message id known).
 *
 *   npm run build && node dist/bench/track-batch.bench.js
 *
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/c360_bench_track, dropped and
 * created at start), BENCH_CUSTOMERS (20000), BENCH_EVENTS per run (20000), BENCH_BATCH
 * (1000), BENCH_CALLERS (4).
 */
import 'reflect-metadata';

import pg from 'pg';

import { Postgres } from '../src/datasources/postgres.js';
import { migrate } from '../src/datasources/migrate.js';
import { createSilentLogger } from '../src/logger.js';
import { mulberry32 } from '../src/lib/seeded-random.js';
import { IdentityVocabulary } from '../src/modules/identity/identity.normalize.js';
import { SuppressionKeys } from '../src/modules/privacy/suppression-keys.js';
import type { TrackEventInput } from '../src/modules/event/event.inputs.js';
import { trackEvents } from '../src/modules/event/event.service.js';
import { EventType } from '../src/modules/event/event.kinds.js';
import { IdentityType } from '../src/modules/identity/identity.kinds.js';

const env = process.env;
const CUSTOMERS = Number(env['BENCH_CUSTOMERS'] ?? 20_000);
const EVENTS = Number(env['BENCH_EVENTS'] ?? 20_000);
const BATCH = Number(env['BENCH_BATCH'] ?? 1_000);
const CALLERS = Number(env['BENCH_CALLERS'] ?? 4);
const DATABASE_URL = env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/c360_bench_track';
const TYPES = [EventType.VIEW, EventType.CART_ADD, EventType.PURCHASE, EventType.CLICK];

async function main(): Promise<void> {
  await admin(`DROP DATABASE IF EXISTS ${databaseName()} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${databaseName()}`);
  const logger = createSilentLogger();
  const db = new Postgres({
    connection: { connectionString: DATABASE_URL },
    target: 'bench',
    kind: 'postgresql',
    poolMax: CALLERS + 2,
    connectTimeoutMs: 5_000,
    statementTimeoutMs: 120_000,
    logger,
  });
  try {
    await migrate(db, logger);
    await db.query(
      /* sql */ `/* bench.seedCustomers */
      WITH c AS (
        INSERT INTO customers (display_name) SELECT 'Bench ' || n FROM generate_series(1, $1) AS n
        RETURNING id
      )
      INSERT INTO identities (type, value, customer_id) SELECT 'email', id || '@bench.example', id FROM c`,
      [CUSTOMERS],
    );
    const emails = (
      await db.query<{ value: string }>(`/* bench.emails */ SELECT value FROM identities`)
    ).rows.map((r) => r.value);
    const deps = {
      db,
      vocabulary: new IdentityVocabulary([]),
      suppressionKeys: new SuppressionKeys('bench-pepper-0123456789abcdef0123456789'),
    };
    const random = mulberry32(20_261_207);
    const batches = (label: string, identity: (n: number) => string, type: IdentityType) =>
      Array.from({ length: Math.ceil(EVENTS / BATCH) }, (_, b) =>
        Array.from({ length: Math.min(BATCH, EVENTS - b * BATCH) }, (_, i): TrackEventInput => ({
          messageId: `${label}-${b * BATCH + i}`,
          identity: { type, value: identity(b * BATCH + i), customType: null },
          type: TYPES[Math.floor(random() * TYPES.length)]!,
          name: null,
          properties: { total: Math.round(random() * 150) },
          occurredAt: null,
          sessionId: null,
          channel: null,
        })),
      );
    const known = () => emails[Math.floor(random() * emails.length)]!;
    const run = async (label: string, work: TrackEventInput[][]) => {
      const statements = new Map<string, { count: number; ms: number }>();
      const listener = (s: { name: string; durationMs: number }) => {
        const entry = statements.get(s.name) ?? { count: 0, ms: 0 };
        entry.count += 1;
        entry.ms += s.durationMs;
        statements.set(s.name, entry);
      };
      db.events.on('statement', listener);
      const started = performance.now();
      let next = 0;
      const outcomes: Record<string, number> = {};
      const caller = async () => {
        for (let i = next++; i < work.length; i = next++) {
          for (const result of await trackEvents(deps, work[i]!, logger)) {
            outcomes[result.status] = (outcomes[result.status] ?? 0) + 1;
          }
        }
      };
      await Promise.all(Array.from({ length: CALLERS }, caller));
      const ms = performance.now() - started;
      db.events.off('statement', listener);
      const events = work.reduce((sum, batch) => sum + batch.length, 0);
      const total = [...statements.values()].reduce((sum, s) => sum + s.count, 0);
      console.log(
        `${label.padEnd(10)} ${((events * 1_000) / ms).toFixed(0).padStart(7)} events/s  ${(total / work.length).toFixed(1)} statements per batch of ${BATCH}  ${JSON.stringify(outcomes)}`,
      );
      for (const [name, s] of [...statements].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8)) {
        console.log(
          `    ${name.padEnd(36)} ${(s.count / work.length).toFixed(1).padStart(8)}/batch ${(s.ms / work.length).toFixed(1).padStart(8)} ms/batch`,
        );
      }
      return (events * 1_000) / ms;
    };
    console.log(
      `${CUSTOMERS} customers, ${EVENTS} events per run in batches of ${BATCH}, ${CALLERS} callers (client-side time, so waits on locks count)\n`,
    );
    await run('warm-up', batches('warm', known, IdentityType.EMAIL));
    const base = await run('known', batches('known', known, IdentityType.EMAIL));
    const fresh = await run(
      'new',
      batches('new', (n) => `visitor-${n}`, IdentityType.ANONYMOUS_ID),
    );
    const replay = await run('replay', batches('known', known, IdentityType.EMAIL));
    console.log(
      `\nnew identities / known: ${(fresh / base).toFixed(2)}x; replays / known: ${(replay / base).toFixed(2)}x`,
    );
  } finally {
    await db.close();
    await admin(`DROP DATABASE IF EXISTS ${databaseName()} WITH (FORCE)`);
  }
}

function databaseName(): string {
  const name = new URL(DATABASE_URL).pathname.slice(1);
  if (!/^\w+$/.test(name)) {
    throw new Error(`unexpected bench database name: ${name}`);
  }
  return name;
}

async function admin(statement: string): Promise<void> {
  const url = new URL(DATABASE_URL);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

await main();
