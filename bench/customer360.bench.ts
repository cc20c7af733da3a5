/**
 * The customer-360 read on a generated population (by default 100k customers in households,
 * 10k products, 1M events; seeded, so every run sees the same data), measured three ways in
 * one run at the same concurrency:
 *
 * - single: `customer(id)` with everything the 360 view shows, through the gateway;
 * - floor: the very statements the gateway sent for each of those reads (recorded first),
 *   replayed straight to PostgreSQL and Neo4j by a script: what no gateway can beat;
 * - page: the 20-customer page of the same view, through the gateway.
 *
 * The load generator and the floor run in processes of their own; the gateway is warmed (and
 * Neo4j with it) before anything is measured; the load average is recorded around each run.
 * Only ratios compare between runs: these machines are shared and noisy.
 *
 *   npm run build && npm run bench:360 -- --scale 100000 --duration 20
 *
 * Options: --scale N (customers; products and events follow), --duration S (per run),
 * --warmup S, --connections N, --page-connections N (8), --sample N (distinct customers read),
 * --workers N (measure `npm start` with WORKERS=N on the same stores; needs Redis, REDIS_URL
 * or 127.0.0.1:6379). DATABASE_URL defaults to
 * postgres://postgres@127.0.0.1:5432/c360_bench (created when missing; loading 100k customers
 * takes minutes once, later runs reuse it); the embedded Neo4j keeps its data under
 * .bench-data/. BENCH_RESET=1 drops both first (needed to change --scale).
 *
 * The last line is one JSON object with every figure. `live` (the read with the read model
 * off) is null until the read model exists: today every read is the live path.
 */
import 'reflect-metadata';

import { rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { createApp } from '../src/app.js';
import { startBackends } from '../src/backends.js';
import { loadConfig } from '../src/config.js';
import { createSilentLogger } from '../src/logger.js';
import { ALL_SCOPES } from '../src/modules/access/access.type.js';
import { createApiKeyService } from '../src/modules/access/api-key.service.js';
import { DEFAULT_SPEC, type DatasetSpec } from './dataset/bench-dataset.js';
import { ensureBenchDataset } from './dataset/load-bench-dataset.js';
import {
  BENCH_DATABASE_URL,
  dropBenchDatabase,
  ensureBenchDatabase,
} from './support/bench-database.js';
import { runInChild } from './support/child-process.js';
import { startGatewayProcesses } from './support/gateway-processes.js';
import type { FloorFigures, FloorPlan } from './support/floor-replayer.js';
import type { LoadFigures, LoadPlan } from './support/load-generator.js';
import { type RecordedRequest, StatementRecorder } from './support/statement-recorder.js';

const { values: options } = parseArgs({
  options: {
    scale: { type: 'string', default: String(DEFAULT_SPEC.customers) },
    duration: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '15' },
    connections: { type: 'string', default: '32' },
    'page-connections': { type: 'string', default: '8' },
    workers: { type: 'string', default: '1' },
    sample: { type: 'string', default: '200' },
  },
});
const SCALE = Number(options.scale);
const DURATION_S = Number(options.duration);
const WARMUP_S = Number(options.warmup);
const CONNECTIONS = Number(options.connections);
/** The page is twenty reads in one: at 32 connections it only measures a queue. */
const PAGE_CONNECTIONS = Number(options['page-connections']);
/** Above 1: the gateway measured is `npm start` with WORKERS processes, not the bench's own. */
const WORKERS = Number(options.workers);
const SAMPLE = Number(options.sample);
const DATA_DIR = path.resolve('.bench-data');
const SPEC: DatasetSpec = {
  ...DEFAULT_SPEC,
  customers: SCALE,
  products: Math.max(100, Math.round((DEFAULT_SPEC.products * SCALE) / DEFAULT_SPEC.customers)),
  events: Math.round((DEFAULT_SPEC.events * SCALE) / DEFAULT_SPEC.customers),
};

/** What the 360 view shows about a customer (issue 13's read). */
const CUSTOMER_FIELDS = /* GraphQL */ `
  id
  displayName
  email
  traits
  mergedFrom
  identities { type value }
  consent { purpose granted }
  events(first: 5) { edges { node { type occurredAt } } }
  family { relation customer { id displayName } }
  relationships(depth: 2) { distance customer { id displayName } }
  household { size }
  interactions(first: 5) {
    viewed { count lastAt product { id name } }
    purchased { count lastAt product { id name } }
  }
  campaigns(first: 5) { targetedAt responses campaign { id name } }
  similarCustomers(first: 5) { score customer { id displayName } }
`;
const SINGLE = `query Customer360($id: ID!) { customer(id: $id) { ${CUSTOMER_FIELDS} } }`;
const PAGE = `{ customers(first: 20, filter: { traits: { plan: "gold" } }) { edges { node { ${CUSTOMER_FIELDS} } } } }`;

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  /** The 1-minute load average before and after the run. */
  load: [number, number];
}

async function main(): Promise<void> {
  if (process.env['BENCH_RESET'] === '1') {
    await dropBenchDatabase();
    await rm(DATA_DIR, { recursive: true, force: true });
  }
  await ensureBenchDatabase();
  const logger = createSilentLogger();
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DEMO_DATA: 'off',
    DATABASE_URL: BENCH_DATABASE_URL,
    C360_DATA_DIR: DATA_DIR,
    // The one-off load runs long statements and graph transactions; requests are far below.
    DATABASE_STATEMENT_TIMEOUT_MS: '600000',
    NEO4J_TIMEOUT_MS: '120000',
    // No model fits at start: they would run in the background during the measurement.
    RECOMMENDATION_REFIT_MINUTES: '0',
    PREDICTION_REFIT_MINUTES: '0',
    // One key sends every request: its limits would answer most with a fast 429.
    RATE_LIMIT_PER_KEY_PER_MINUTE: '1000000000',
    KEY_MAX_CONCURRENT_OPERATIONS: String(CONNECTIONS),
    // The page of 20 full views is a legitimate back-office read above the default budget.
    GRAPHQL_MAX_COST: '200000',
  };
  const config = loadConfig(env);
  const backends = await startBackends(config, logger);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void backends.stop().finally(() => process.exit(130)));
  }
  try {
    await ensureBenchDataset(backends, SPEC, (message) => console.error(`load: ${message}`));
    // All scopes, as a back office would use: unmasked fields, one audit entry per request.
    const { key } = await createApiKeyService(
      backends.postgres,
      backends.redis,
      config.access.keyCacheTtlMs,
      logger,
    ).create('bench', ALL_SCOPES, { keyId: null, requestId: null, via: 'cli' });
    const app = await createApp({ config, logger, backends });
    let url = await app.listen();
    const recorder = new StatementRecorder(backends.postgres, backends.graph, app.httpServer);
    const { rows } = await backends.postgres.query<{ id: string }>(
      `SELECT id FROM customers ORDER BY md5(id::text) LIMIT $1`,
      [SAMPLE],
    );
    const bodies = rows.map(({ id }) => JSON.stringify({ query: SINGLE, variables: { id } }));
    const pageBody = JSON.stringify({ query: PAGE });

    console.log(`stores: ${JSON.stringify(backends.describe())}`);
    console.log(
      `data: ${SPEC.customers} customers, ${SPEC.products} products, ${SPEC.events} events (seed ${SPEC.seed}); ${bodies.length} customers read in turn`,
    );
    console.log(
      `load: ${CONNECTIONS} connections, ${DURATION_S} s per run, ${WARMUP_S} s warm-up\n`,
    );

    // Every answer checked and every statement recorded, one request at a time.
    const recorded: RecordedRequest[] = [];
    for (const body of bodies) {
      recorded.push(await recorder.record(() => assertAnswers(url, key, body)));
    }
    recorder.stop();
    const counts = recorded.map((statements) => statements.length);
    const depths = recorded.map((statements) => Math.max(...statements.map((s) => s.depth)) + 1);
    console.log(
      `a read sends ${Math.min(...counts)}–${Math.max(...counts)} statements, ${Math.min(...depths)}–${Math.max(...depths)} round trips deep`,
    );
    const widest = recorded[counts.indexOf(Math.max(...counts))]!;
    console.log('the widest read, by depth (statement ← the one it waited for):');
    for (let depth = 0; depth <= Math.max(...widest.map((s) => s.depth)); depth += 1) {
      const here = widest.filter((statement) => statement.depth === depth);
      console.log(
        `  ${depth}: ${here.map((s) => `${s.store}:${s.name}${s.parent === -1 ? '' : ` ← ${widest[s.parent]!.name}`}`).join(', ')}`,
      );
    }
    // The statements are recorded in-process; several workers are separate processes.
    const workers =
      WORKERS > 1
        ? await app.stop().then(() =>
            startGatewayProcesses({
              ...(env as Record<string, string>),
              WORKERS: String(WORKERS),
              PORT: '0',
              NEO4J_URI: backends.graph.target.replace(/^[a-z+]+:/, 'bolt:'),
              REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
            }),
          )
        : null;
    url = workers?.url ?? url;
    await gatewayLoad(url, key, bodies, WARMUP_S);
    await floorLoad(recorded, config, backends.graph.target, Math.min(WARMUP_S, 5));

    const single = await gatewayLoad(url, key, bodies, DURATION_S);
    report('single', single);
    const rss = workers ? workers.rssMb() * 2 ** 20 : process.memoryUsage().rss;
    const floor = await floorLoad(recorded, config, backends.graph.target, DURATION_S);
    report('floor', floor);
    const page = await gatewayLoad(url, key, [pageBody], DURATION_S, PAGE_CONNECTIONS);
    report(`page of 20 (${PAGE_CONNECTIONS} connections)`, page);
    await (workers ? workers.stop() : app.stop());

    const ratio = single.p99 / floor.p99;
    console.log(
      `\nsingle / floor: p99 ${ratio.toFixed(2)}x, throughput ${(single.rps / floor.rps).toFixed(2)}x; gateway RSS under load ${(rss / 2 ** 20).toFixed(0)} MB`,
    );
    console.log(
      JSON.stringify({
        single: pick(single),
        live: null,
        floor: pick(floor),
        page: pick(page),
        ratio_p99_vs_floor: round(ratio),
        rss_mb: Math.round(rss / 2 ** 20),
        load: { single: single.load, floor: floor.load, page: page.load },
        scale: SCALE,
        connections: CONNECTIONS,
        page_connections: PAGE_CONNECTIONS,
        workers: WORKERS,
      }),
    );
  } finally {
    await backends.stop();
  }
}

async function gatewayLoad(
  url: string,
  key: string,
  bodies: string[],
  durationS: number,
  connections = CONNECTIONS,
): Promise<Figures> {
  const before = loadavg()[0]!;
  const figures = await runInChild<LoadPlan, LoadFigures>('load-generator.js', {
    url,
    key,
    bodies,
    connections,
    durationS,
  });
  if (figures.errors > 0) {
    throw new Error(
      `${figures.errors} failed requests; figures of failed requests measure nothing: ${figures.firstError}`,
    );
  }
  return { rps: figures.rps, p50: figures.p50, p99: figures.p99, load: [before, loadavg()[0]!] };
}

async function floorLoad(
  requests: RecordedRequest[],
  config: ReturnType<typeof loadConfig>,
  neo4jTarget: string,
  durationS: number,
): Promise<Figures> {
  const before = loadavg()[0]!;
  const figures = await runInChild<FloorPlan, FloorFigures>('floor-replayer.js', {
    requests,
    connections: CONNECTIONS,
    durationS,
    postgresUrl: BENCH_DATABASE_URL,
    poolMax: config.postgres.poolMax,
    neo4jUri: neo4jTarget.replace(/^[a-z+]+:/, 'bolt:'),
  });
  return { ...figures, load: [before, loadavg()[0]!] };
}

/** A benchmark of errors measures nothing: check one full answer first. */
async function assertAnswers(url: string, key: string, body: string): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body,
  });
  const answer = (await response.json()) as { errors?: unknown[]; data?: { customer: unknown } };
  if (answer.errors || !answer.data?.customer) {
    throw new Error(`the 360 read did not answer fully: ${JSON.stringify(answer).slice(0, 500)}`);
  }
}

function report(name: string, figures: Figures): void {
  console.log(
    `${name.padEnd(12)} ${figures.rps.toFixed(1).padStart(8)} req/s  p50 ${figures.p50.toFixed(1)} ms  p99 ${figures.p99.toFixed(1)} ms  load ${figures.load.map((l) => l.toFixed(2)).join(' → ')}`,
  );
}

function pick({ rps, p50, p99 }: Figures) {
  return { rps: round(rps), p50: round(p50), p99: round(p99) };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

await main();
