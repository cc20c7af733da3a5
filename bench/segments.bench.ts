/**
 * Live segments under load, on two gateway processes sharing one PostgreSQL database, one
 * Neo4j and one Redis (as two instances behind a load balancer would):
 *
 * (a) sustained batch ingestion through `trackBatch`, alternating between the instances, timed
 *     until the relays have applied everything (outbox empty): with no segment (before and
 *     after, averaged, so the growing events table favours neither side) and with 20 live
 *     segments of mixed kinds. The ratio is the headline; absolute rates depend on the machine.
 * (b) event accepted (the trackBatch call returned on A) to change received (a
 *     segmentMembershipChanged subscriber on B), p50/p99, while a background stream keeps the
 *     instances at a share of the rate measured in (a).
 *
 * Processes, not in-process apps: each instance then has its own event loop and relay as in
 * production, and the load generator and subscriber in this process do not share theirs.
 *
 *   npm run build && npm run bench:segments
 *
 * DATABASE_URL: a database of its own, dropped and created at start (default
 * postgres://postgres@127.0.0.1:5432/c360_bench_segments). NEO4J_URI: a running Neo4j
 * (otherwise the embedded launcher starts one in a temporary folder). REDIS_URL (default
 * redis://127.0.0.1:6379). BENCH_CUSTOMERS (20000), BENCH_EVENTS per run (60000), BENCH_BATCH
 * (1000), BENCH_CALLERS concurrent trackBatch callers (4), BENCH_LATENCY_S (20),
 * BENCH_PROBE_EVERY_MS (50), BENCH_LATENCY_LOAD share of the segment-on rate kept up in (b)
 * (0.5; BENCH_LATENCY_RATE: that many background events/s instead, to compare two builds at
 * the same load; several, comma-separated, for one phase each: latency against load), BENCH_TICK_SECONDS the segment time tick (0: off, so a full re-evaluation of
 * every windowed segment does not land in one run and not the other).
 */
import 'reflect-metadata';

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import pg from 'pg';

import {
  ensureLauncherBuilt,
  type RunningNeo4j,
  startNeo4jLauncher,
} from '../src/datasources/neo4j-launcher.js';
import { freePort } from '../src/lib/free-port.js';
import { createSilentLogger } from '../src/logger.js';
import {
  DefineSegmentDocument,
  type DefineSegmentInput,
  DeleteSegmentDocument,
  SegmentStateDocument,
} from '../test/__generated__/graphql.js';
import { type GatewayProcess, spawnGateway } from '../test/support/gateway-process.js';
import { execute } from '../test/support/graphql-client.js';
import { type LatencyFigures, measureLatency } from './support/segment-latency.js';
import { benchPopulation, eventBodies } from './support/segment-bench-data.js';
import { benchSegments, BUYERS_KEY, PROBE_SEGMENT } from './support/segment-bench-rules.js';
import { populate } from './support/segment-population.js';
import {
  createIngestion,
  type IngestionFigures,
  outboxDrained,
} from './support/segment-ingestion.js';

const env = process.env;
const CUSTOMERS = Number(env['BENCH_CUSTOMERS'] ?? 20_000);
const EVENTS = Number(env['BENCH_EVENTS'] ?? 60_000);
const BATCH = Number(env['BENCH_BATCH'] ?? 1_000);
const CALLERS = Number(env['BENCH_CALLERS'] ?? 4);
const LATENCY_S = Number(env['BENCH_LATENCY_S'] ?? 20);
const PROBE_EVERY_MS = Number(env['BENCH_PROBE_EVERY_MS'] ?? 50);
const LATENCY_LOAD = Number(env['BENCH_LATENCY_LOAD'] ?? 0.5);
// Several rates (comma-separated): one latency phase each, in order, so one run draws the
// curve of latency against load.
const LATENCY_RATES = env['BENCH_LATENCY_RATE']
  ? env['BENCH_LATENCY_RATE'].split(',').map(Number)
  : null;
const TICK_SECONDS = env['BENCH_TICK_SECONDS'] ?? '0';
const DATABASE_URL =
  env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/c360_bench_segments';
const REDIS_URL = env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const SEED = 20_261_206;

async function main(): Promise<void> {
  await recreateDatabase(DATABASE_URL);
  const neo4j = env['NEO4J_URI'] ? null : await startNeo4j();
  const gateways: GatewayProcess[] = [];
  let stopping = false;
  const db = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  try {
    const gatewayEnv = async () => ({
      PORT: String(await freePort()),
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DEMO_DATA: 'off',
      DATABASE_URL,
      NEO4J_URI: env['NEO4J_URI'] ?? neo4j!.running.uri,
      REDIS_URL,
      SEGMENT_TICK_SECONDS: TICK_SECONDS,
      // No recommendation fit in the background of a measurement.
      RECOMMENDATION_REFIT_MINUTES: '0',
      // One key sends everything: its default limits would measure refusals.
      RATE_LIMIT_PER_KEY_PER_MINUTE: '1000000000',
      KEY_MAX_CONCURRENT_OPERATIONS: '256',
      // A full evaluation of a segment over the population runs long statements.
      DATABASE_STATEMENT_TIMEOUT_MS: '120000',
    });
    // One after the other: the first migrates the empty database.
    for (let i = 0; i < 2; i += 1) {
      const gateway = spawnGateway(await gatewayEnv());
      gateways.push(gateway);
      // A gateway that dies mid-run would otherwise show up only as a refused connection.
      void gateway.exited.then((code) => {
        if (!stopping) {
          console.error(
            `gateway ${'AB'[i]} exited with ${code}:\n${gateway.stderr().slice(-3_000)}`,
          );
        }
      });
      await gateway.ready;
    }
    const [a, b] = gateways as [GatewayProcess, GatewayProcess];
    const urlA = await a.ready;
    const urlB = await b.ready;
    const targets = [
      { url: urlA, key: a.apiKey() },
      { url: urlB, key: b.apiKey() },
    ];

    const population = benchPopulation(CUSTOMERS, SEED);
    const setupStarted = performance.now();
    const seeded = await populate(urlA, urlB, population);
    await outboxDrained(db);
    console.log(
      `population: ${CUSTOMERS} customers, ${seeded.spousePairs} spouse pairs, ${seeded.marketingConsents} marketing consents (seed ${SEED}) in ${seconds(performance.now() - setupStarted)}`,
    );
    console.log(
      `runs: ${EVENTS} events each in trackBatch calls of ${BATCH}, ${CALLERS} callers alternating A/B; timed until the outbox is empty; segment tick ${TICK_SECONDS === '0' ? 'off' : `${TICK_SECONDS} s`}\n`,
    );
    const ingest = createIngestion({ db, targets, callers: CALLERS });
    // Every phase starts vacuumed, as autovacuum would leave it: this machine's PostgreSQL runs
    // without it, and the dead rows earlier phases leave in the queues (the outbox, memberships)
    // would otherwise be scanned by every relay claim of the next (a claim of the segments lane
    // visited 43,000 dead outbox rows by the end of a run).
    const vacuumed = () => db.query('VACUUM (ANALYZE)');
    const run = async (label: string, count: number, seed: number) => {
      await vacuumed();
      return ingest(eventBodies(population, count, BATCH, seed, label), count);
    };

    await run('warm-up', Math.min(EVENTS, 20_000), SEED + 1);
    const before = report('no segments (before)', await run('base-1', EVENTS, SEED + 2));

    const defineStarted = performance.now();
    const segmentIds = await defineAll(urlA);
    console.log(
      `defined ${segmentIds.length} live segments, all READY in ${seconds(performance.now() - defineStarted)} (full evaluation over ${CUSTOMERS} customers)`,
    );
    const on = report(`${segmentIds.length} live segments`, await run('on', EVENTS, SEED + 3));

    const rates = LATENCY_RATES ?? [on.eventsPerS * LATENCY_LOAD];
    // Each phase probes with customers of its own: a probe puts a customer in for good.
    const probesPerPhase = Math.floor(population.length / rates.length);
    const latencies: LatencyFigures[] = [];
    for (const [i, rate] of rates.entries()) {
      await vacuumed();
      latencies.push(
        await measureLatency({
          db,
          producer: targets[0]!,
          targets,
          subscriberUrl: urlB,
          probeSegmentId: segmentIds.at(-1)!,
          probes: population.slice(i * probesPerPhase, (i + 1) * probesPerPhase),
          phase: String(i),
          background: (n) => eventBodies(population, n, 500, SEED + 4 + i, `background-${i}`),
          backgroundEventsPerS: rate,
          durationS: LATENCY_S,
          probeEveryMs: PROBE_EVERY_MS,
        }),
      );
    }

    // Newest first: a segment another one refers to cannot go before its referrer.
    for (const id of [...segmentIds].reverse()) {
      const deleted = await execute(urlA, DeleteSegmentDocument, { id });
      if (deleted.errors) {
        throw new Error(JSON.stringify(deleted.errors));
      }
    }
    const after = report('no segments (after)', await run('base-2', EVENTS, SEED + 5));

    const baseline = (before.eventsPerS + after.eventsPerS) / 2;
    console.log(
      `\n(a) ingestion with ${segmentIds.length} live segments / without: ${(on.eventsPerS / baseline).toFixed(2)}x (${on.eventsPerS.toFixed(0)} vs ${baseline.toFixed(0)} events/s, goal ≥ 10000 with segments)`,
    );
    for (const latency of latencies) {
      console.log(
        `(b) accepted on A → ENTERED heard on B, under ${latency.backgroundEventsPerS.toFixed(0)} background events/s: p50 ${latency.p50.toFixed(1)} ms  p90 ${latency.p90.toFixed(1)} ms  p99 ${latency.p99.toFixed(1)} ms  max ${latency.max.toFixed(1)} ms  (${latency.received}/${latency.sent} probes heard, goal p99 ≤ 50 ms)`,
      );
      console.log(
        `    background actually sent: ${latency.backgroundSent} events in ${LATENCY_S} s; outbox backlog at the end of the phase: ${latency.backlogAtEnd}; cores busy ${(latency.cpuBusy * 100).toFixed(0)} %`,
      );
    }
  } finally {
    stopping = true;
    for (const gateway of gateways) {
      gateway.child.kill('SIGTERM');
    }
    await Promise.all(gateways.map((g) => g.exited));
    await db.end();
    await neo4j?.stop();
    if (env['BENCH_KEEP'] !== '1') {
      await dropDatabase(DATABASE_URL);
    }
  }
}

function report(label: string, figures: IngestionFigures): IngestionFigures {
  console.log(
    `${label.padEnd(22)} ${figures.eventsPerS.toFixed(0).padStart(7)} events/s to applied  (accepted in ${seconds(figures.acceptedMs)}, applied in ${seconds(figures.appliedMs)}, ${figures.retried} outbox retries, cores busy ${(figures.cpuBusy * 100).toFixed(0)} %)`,
  );
  return figures;
}

/** Defines the segments on A (the probe segment last) and waits until each is READY. */
async function defineAll(url: string): Promise<string[]> {
  const ids: string[] = [];
  const define = async (input: DefineSegmentInput) => {
    const result = await execute(url, DefineSegmentDocument, { input });
    if (result.errors || !result.data) {
      throw new Error(`defining ${input.key}: ${JSON.stringify(result.errors)}`);
    }
    ids.push(result.data.defineSegment.id);
    return result.data.defineSegment.id;
  };
  // The buyers segment first: the inSegment rule needs its id.
  const buyers = benchSegments(null).find((input) => input.key === BUYERS_KEY)!;
  const buyersId = await define(buyers);
  for (const input of benchSegments(buyersId)) {
    if (input.key !== BUYERS_KEY) {
      await define(input);
    }
  }
  await define(PROBE_SEGMENT);
  for (const id of ids) {
    for (;;) {
      const state = await execute(url, SegmentStateDocument, { id, first: 1 });
      const status = state.data?.segment?.status;
      if (status === 'READY') {
        break;
      }
      if (status !== 'BUILDING') {
        throw new Error(`segment ${id}: ${JSON.stringify(state)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return ids;
}

async function startNeo4j(): Promise<{ running: RunningNeo4j; stop(): Promise<void> }> {
  const logger = createSilentLogger();
  await ensureLauncherBuilt(logger);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'c360-bench-neo4j-'));
  const running = await startNeo4jLauncher({
    dataDir,
    boltPort: await freePort(),
    heap: '768m',
    pageCache: '128m',
    logger,
  });
  return {
    running,
    stop: async () => {
      await running.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function databaseName(url: string): string {
  const name = new URL(url).pathname.slice(1);
  if (!/^\w+$/.test(name)) {
    throw new Error(`unexpected bench database name: ${name}`);
  }
  return name;
}

async function admin(url: string, statement: string): Promise<void> {
  const adminUrl = new URL(url);
  adminUrl.pathname = '/postgres';
  const client = new pg.Client({ connectionString: adminUrl.toString() });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function recreateDatabase(url: string): Promise<void> {
  await dropDatabase(url);
  await admin(url, `CREATE DATABASE ${databaseName(url)}`);
}

async function dropDatabase(url: string): Promise<void> {
  await admin(url, `DROP DATABASE IF EXISTS ${databaseName(url)} WITH (FORCE)`);
}

function seconds(ms: number): string {
  return `${(ms / 1_000).toFixed(1)} s`;
}

await main();
