/**
 * The customer-360 read on a generated population (by default 100k customers in households,
 * 10k products, 1M events; seeded, so every run sees the same data), measured in one run at the
 * same concurrency:
 *
 * - live: `customer(id)` with everything the 360 view shows, through the gateway with the read
 *   model off (every field from its loaders);
 * - floor: the very statements the live path sent for each of those reads (recorded first),
 *   replayed straight to PostgreSQL and Neo4j by a script: what no live path can beat;
 * - single: the same read with the read model on (documents built first), through the gateway
 *   as `npm start` runs it, in processes of its own (its memory under load is the RSS shown),
 *   while an event for a sampled customer arrives every --fresh-every ms: freshness is the time
 *   from `track`'s answer until that customer's document is rebuilt with the event (graph work
 *   included); a customer's reads take the live path until then. Measured also without the
 *   events just before (`single_reads_only`);
 * - page: the 20-customer page of the same view, with the read model;
 * - no-op: `{ __typename }` through the same gateway (HTTP, parsing, access, audit) reading
 *   nothing: the least any read costs there on this machine, as supporting detail.
 *
 * By default no recommendation model is fitted on this population, so `similarCustomers`
 * answers an empty list without a search. With --with-vectors the models are fitted once
 * (`c360 recommend fit`, minutes at 100k; later runs reuse them, a run without the option
 * deletes them): each live read then also searches and looks up five neighbours, and the
 * documents hold them (src/modules/read-model/README.md).
 *
 * The load generator and the floor run in processes of their own; the gateway is warmed (and
 * Neo4j with it) before anything is measured; the load average is recorded around each run.
 * Only ratios compare between runs: these machines are shared and noisy.
 *
 *   npm run build && npm run bench:360 -- --scale 100000 --duration 20
 *
 * Options: --scale N (customers; products and events follow), --duration S (per run),
 * --warmup S, --connections N, --page-connections N (8), --sample N (distinct customers read),
 * --with-vectors (preference vectors fitted, above),
 * --gateway-node-options="…" (NODE_OPTIONS of the read model's gateway, e.g. heap flags),
 * --workers N (the read model's gateway runs with WORKERS=N, default 1; above 1 it needs Redis,
 * REDIS_URL or 127.0.0.1:6379). DATABASE_URL defaults to
 * postgres://postgres@127.0.0.1:5432/c360_bench (created when missing; loading 100k customers
 * takes minutes once, later runs reuse it); the embedded Neo4j keeps its data under
 * .bench-data/. BENCH_RESET=1 drops both first (needed to change --scale).
 *
 * The last line is one JSON object with every figure.
 */
import 'reflect-metadata';

import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';

import { createApp } from '../src/app.js';
import { startBackends } from '../src/backends.js';
import { loadConfig } from '../src/config.js';
import type { Postgres } from '../src/datasources/postgres.js';
import { createSilentLogger } from '../src/logger.js';
import { ALL_SCOPES } from '../src/modules/access/access.type.js';
import { createApiKeyService } from '../src/modules/access/api-key.service.js';
import { Customer360Store } from '../src/modules/read-model/customer-360.store.js';
import { DOCUMENT_FORMAT } from '../src/modules/read-model/held-query.js';
import { DEFAULT_SPEC, type DatasetSpec } from './dataset/bench-dataset.js';
import { ensureBenchDataset } from './dataset/load-bench-dataset.js';
import {
  BENCH_DATABASE_URL,
  dropBenchDatabase,
  ensureBenchDatabase,
} from './support/bench-database.js';
import { BENCH_DATA_DIR, benchEnv } from './support/bench-env.js';
import { ensureVectors } from './support/bench-vectors.js';
import { runInChild } from './support/child-process.js';
import { CUSTOMER_360_PAGE as PAGE, CUSTOMER_360 as SINGLE } from './support/customer360-query.js';
import { startGatewayProcesses } from './support/gateway-processes.js';
import type { FloorFigures, FloorPlan } from './support/floor-replayer.js';
import type { LoadFigures, LoadPlan } from './support/load-generator.js';
import { type RecordedRequest, StatementRecorder } from './support/statement-recorder.js';
import { quantile } from './support/quantile.js';

const { values: options } = parseArgs({
  options: {
    scale: { type: 'string', default: String(DEFAULT_SPEC.customers) },
    duration: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '15' },
    connections: { type: 'string', default: '32' },
    'page-connections': { type: 'string', default: '8' },
    workers: { type: 'string', default: '1' },
    sample: { type: 'string', default: '200' },
    'fresh-every': { type: 'string', default: '100' },
    'gateway-node-options': { type: 'string', default: '' },
    'with-vectors': { type: 'boolean', default: false },
  },
});
const WITH_VECTORS = options['with-vectors'];
const SCALE = Number(options.scale);
const DURATION_S = Number(options.duration);
const WARMUP_S = Number(options.warmup);
const CONNECTIONS = Number(options.connections);
/** The page is twenty reads in one: at 32 connections it only measures a queue. */
const PAGE_CONNECTIONS = Number(options['page-connections']);
/** Processes of the gateway measured with the read model (`npm start` with WORKERS). */
const WORKERS = Number(options.workers);
const SAMPLE = Number(options.sample);
/**
 * NODE_OPTIONS of the read model's gateway only (not of this process), e.g. the heap flags of
 * docs/operations.md's memory section.
 */
const GATEWAY_NODE_OPTIONS = options['gateway-node-options'];
/** An operation that reads nothing: the gateway's own cost of a request. */
const NOOP_BODY = JSON.stringify({ query: 'query Noop { __typename }' });

/** How often an event is sent to a sampled customer during the single run, to time freshness. */
const FRESHNESS_EVERY_MS = Number(options['fresh-every']);
const SPEC: DatasetSpec = {
  ...DEFAULT_SPEC,
  customers: SCALE,
  products: Math.max(100, Math.round((DEFAULT_SPEC.products * SCALE) / DEFAULT_SPEC.customers)),
  events: Math.round((DEFAULT_SPEC.events * SCALE) / DEFAULT_SPEC.customers),
};

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
    await rm(BENCH_DATA_DIR, { recursive: true, force: true });
  }
  await ensureBenchDatabase();
  const logger = createSilentLogger();
  // The freshness probe's events share the bench's key with the read load.
  const env = { ...benchEnv(CONNECTIONS), KEY_MAX_CONCURRENT_OPERATIONS: String(CONNECTIONS + 64) };
  const config = loadConfig(env);
  const backends = await startBackends(config, logger);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void backends.stop().finally(() => process.exit(130)));
  }
  try {
    await ensureBenchDataset(backends, SPEC, (message) => console.error(`load: ${message}`));
    await ensureVectors(backends.postgres, env, WITH_VECTORS, (message) =>
      console.error(`load: ${message}`),
    );
    // All scopes, as a back office would use: unmasked fields, one audit entry per request.
    const { key } = await createApiKeyService(
      backends.postgres,
      backends.redis,
      config.access.keyCacheTtlMs,
      logger,
    ).create('bench', ALL_SCOPES, { keyId: null, requestId: null, via: 'cli' });
    // The live path first: every field from its loaders, as with the read model off.
    const liveConfig = loadConfig({ ...env, READ_MODEL: 'off' });
    const liveApp = await createApp({ config: liveConfig, logger, backends });
    const liveUrl = await liveApp.listen();
    const recorder = new StatementRecorder(backends.postgres, backends.graph, liveApp.httpServer);
    const { rows } = await backends.postgres.query<{ id: string }>(
      `SELECT id FROM customers ORDER BY md5(id::text) LIMIT $1`,
      [SAMPLE],
    );
    const ids = rows.map(({ id }) => id);
    const bodies = ids.map((id) => JSON.stringify({ query: SINGLE, variables: { id } }));
    const pageBody = JSON.stringify({ query: PAGE });

    console.log(`stores: ${JSON.stringify(backends.describe())}`);
    console.log(
      `data: ${SPEC.customers} customers, ${SPEC.products} products, ${SPEC.events} events (seed ${SPEC.seed}), ${WITH_VECTORS ? 'with' : 'no'} preference vectors; ${bodies.length} customers read in turn`,
    );
    console.log(
      `load: ${CONNECTIONS} connections, ${DURATION_S} s per run, ${WARMUP_S} s warm-up\n`,
    );

    // Every answer checked and every statement recorded, one request at a time.
    const recorded: RecordedRequest[] = [];
    for (const body of bodies) {
      recorded.push(await recorder.record(() => assertAnswers(liveUrl, key, body)));
    }
    recorder.stop();
    describeReads('the live path', recorded);
    await gatewayLoad(liveUrl, key, bodies, WARMUP_S);
    await floorLoad(recorded, config, backends.graph.target, Math.min(WARMUP_S, 5));
    const live = await gatewayLoad(liveUrl, key, bodies, DURATION_S);
    report('live', live);
    const floor = await floorLoad(recorded, config, backends.graph.target, DURATION_S);
    report('floor', floor);
    await liveApp.stop();

    // The read model: every sampled customer's document built (a first read asks for it).
    const app = await createApp({ config, logger, backends });
    let url = await app.listen();
    const served = new StatementRecorder(backends.postgres, backends.graph, app.httpServer);
    for (const body of bodies) {
      await assertAnswers(url, key, body);
    }
    await documentsFresh(backends.postgres, ids);
    const fromDocuments: RecordedRequest[] = [];
    for (const body of bodies) {
      fromDocuments.push(await served.record(() => assertAnswers(url, key, body)));
    }
    served.stop();
    describeReads('from the read model', fromDocuments);
    // Measured as `npm start` runs it, in processes of its own (WORKERS of them): its memory is
    // its own, and the probe's and recorder's work here does not queue behind its requests.
    await app.stop();
    const gateway = await startGatewayProcesses({
      ...env,
      WORKERS: String(WORKERS),
      PORT: '0',
      NEO4J_URI: backends.graph.target.replace(/^[a-z+]+:/, 'bolt:'),
      ...(GATEWAY_NODE_OPTIONS !== '' && { NODE_OPTIONS: GATEWAY_NODE_OPTIONS }),
      ...(process.env['REDIS_URL'] !== undefined || WORKERS > 1
        ? { REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379' }
        : {}),
    });
    url = gateway.url;
    await gatewayLoad(url, key, bodies, WARMUP_S);

    // Events alone first (the baseline), then under the read load: how long until each shows
    // through the read model. The write path is warmed first: a fresh process's first events
    // (first plans of the relay's Cypher, first builds) took seconds and measured only that.
    const warming = await freshnessProbe(url, key, backends.postgres, ids, FRESHNESS_EVERY_MS);
    await delay(Math.min(WARMUP_S, 10) * 1000);
    await warming.stop();
    const quiet = await freshnessProbe(url, key, backends.postgres, ids, FRESHNESS_EVERY_MS);
    await delay(DURATION_S * 1000);
    const idleFreshness = await quiet.stop();
    reportFreshness('freshness, no read load', idleFreshness);
    // The read alone first: during the next run each probed customer's document is stale
    // until rebuilt, and its reads take the live path meanwhile.
    const readsOnly = await gatewayLoad(url, key, bodies, DURATION_S);
    report('single, reads only', readsOnly);
    const probe = await freshnessProbe(url, key, backends.postgres, ids, FRESHNESS_EVERY_MS);
    const single = await gatewayLoad(url, key, bodies, DURATION_S).catch(async (error) => {
      await probe.stop();
      throw error;
    });
    const freshness = await probe.stop();
    report('single', single);
    reportFreshness('freshness under the read load', freshness);
    const rss = gateway.rssMb() * 2 ** 20;
    const page = await gatewayLoad(url, key, [pageBody], DURATION_S, PAGE_CONNECTIONS);
    report(`page of 20 (${PAGE_CONNECTIONS} connections)`, page);
    const noop = await gatewayLoad(url, key, [NOOP_BODY], DURATION_S);
    report('no-op { __typename }', noop);
    await gateway.stop();

    const liveRatio = live.p99 / floor.p99;
    console.log(
      `\nlive / floor: p99 ${liveRatio.toFixed(2)}x, throughput ${(live.rps / floor.rps).toFixed(2)}x`,
    );
    console.log(
      `single (read model) / live: throughput ${(single.rps / live.rps).toFixed(2)}x, p99 ${(single.p99 / live.p99).toFixed(2)}x; single / floor: p99 ${(single.p99 / floor.p99).toFixed(2)}x; gateway RSS under load ${(rss / 2 ** 20).toFixed(0)} MB`,
    );
    console.log(
      JSON.stringify({
        vectors: WITH_VECTORS,
        single: pick(single),
        single_reads_only: pick(readsOnly),
        live: pick(live),
        floor: pick(floor),
        page: pick(page),
        noop: pick(noop),
        ratio_p99_vs_floor: round(single.p99 / floor.p99),
        ratio_live_p99_vs_floor: round(liveRatio),
        freshness_idle_ms: {
          p50: round(idleFreshness.p50),
          p99: round(idleFreshness.p99),
          max: round(idleFreshness.max),
        },
        freshness_ms: {
          p50: round(freshness.p50),
          p99: round(freshness.p99),
          max: round(freshness.max),
        },
        relay_lag_ms: {
          p50: round(freshness.relayLag.p50),
          p99: round(freshness.relayLag.p99),
          max: round(freshness.relayLag.max),
        },
        rss_mb: Math.round(rss / 2 ** 20),
        load: {
          single: single.load,
          single_reads_only: readsOnly.load,
          live: live.load,
          floor: floor.load,
          page: page.load,
          noop: noop.load,
        },
        scale: SCALE,
        connections: CONNECTIONS,
        page_connections: PAGE_CONNECTIONS,
        workers: WORKERS,
        gateway_node_options: GATEWAY_NODE_OPTIONS,
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

function reportFreshness(
  name: string,
  f: {
    count: number;
    never: number;
    p50: number;
    p99: number;
    max: number;
    relayLag: { p50: number; p99: number; max: number };
  },
): void {
  console.log(
    `${name}: ${f.count} events (${f.never} not in after ${FRESHNESS_DEADLINE_MS / 1000} s), one every ${FRESHNESS_EVERY_MS} ms: accepted → in the read model p50 ${f.p50.toFixed(0)} ms, p99 ${f.p99.toFixed(0)} ms, max ${f.max.toFixed(0)} ms`,
  );
  // A document is built only once the main lane holds nothing older than its mark.
  console.log(
    `  main-lane relay lag meanwhile (age of its oldest message, sampled every ${LAG_SAMPLE_MS} ms): p50 ${f.relayLag.p50.toFixed(0)} ms, p99 ${f.relayLag.p99.toFixed(0)} ms, max ${f.relayLag.max.toFixed(0)} ms`,
  );
}

function describeReads(path: string, recorded: RecordedRequest[]): void {
  const counts = recorded.map((statements) => statements.length);
  const depths = recorded.map((statements) => Math.max(0, ...statements.map((s) => s.depth + 1)));
  console.log(
    `${path}: a read sends ${Math.min(...counts)}–${Math.max(...counts)} statements, ${Math.min(...depths)}–${Math.max(...depths)} round trips deep`,
  );
  const widest = recorded[counts.indexOf(Math.max(...counts))]!;
  console.log('  the widest read, by depth (statement ← the one it waited for):');
  for (let depth = 0; depth <= Math.max(...widest.map((s) => s.depth)); depth += 1) {
    const here = widest.filter((statement) => statement.depth === depth);
    console.log(
      `    ${depth}: ${here.map((s) => `${s.store}:${s.name}${s.parent === -1 ? '' : ` ← ${widest[s.parent]!.name}`}`).join(', ')}`,
    );
  }
}

/** Resolves once every one of these customers has a document no write has touched since. */
async function documentsFresh(postgres: Postgres, ids: readonly string[]): Promise<void> {
  const store = new Customer360Store(postgres);
  while ((await store.builtAt(ids, DOCUMENT_FORMAT)).size < ids.length) {
    await delay(50);
  }
}

const FRESHNESS_DEADLINE_MS = 30_000;
/** How often the probe samples the main lane's relay lag. */
const LAG_SAMPLE_MS = 100;

/**
 * Sends a VIEW event for a sampled customer every `everyMs` and times each from its `track`
 * answer to the moment that customer's document is rebuilt with no write pending: the
 * relay's graph work (the interaction) and the projector's rebuild, under the read load. One
 * watcher looks for every pending event's document every 10 ms (one statement each time).
 */
async function freshnessProbe(
  url: string,
  key: string,
  postgres: Postgres,
  ids: readonly string[],
  everyMs: number,
) {
  const { rows: emails } = await postgres.query<{ customer_id: string; value: string }>(
    `SELECT DISTINCT ON (customer_id) customer_id, value FROM identities
      WHERE customer_id = ANY($1::uuid[]) AND type = 'email' ORDER BY customer_id, value`,
    [ids],
  );
  const { rows: products } = await postgres.query<{ sku: string }>(
    'SELECT sku FROM products ORDER BY sku LIMIT 100',
  );
  const store = new Customer360Store(postgres);
  const latencies: number[] = [];
  /** Events answered, not yet in their customer's document: by customer, when answered. */
  const waiting = new Map<string, { accepted: number; since: Date }[]>();
  let sent = 0;
  let answered = 0;
  const send = async (customerId: string, email: string, sku: string) => {
    const since = new Date();
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({
        query: `mutation ($event: TrackEventInput!) { track(event: $event) { status } }`,
        variables: {
          event: {
            messageId: randomUUID(),
            type: 'VIEW',
            identity: { type: 'EMAIL', value: email },
            properties: { sku },
          },
        },
      }),
    });
    await response.json();
    const entry = { accepted: performance.now(), since };
    waiting.set(customerId, [...(waiting.get(customerId) ?? []), entry]);
    answered += 1;
  };
  const settle = async () => {
    const built = await store.builtAt([...waiting.keys()], DOCUMENT_FORMAT);
    const now = performance.now();
    for (const [customerId, builtAt] of built) {
      const entries = waiting.get(customerId) ?? [];
      const done = entries.filter((e) => builtAt >= e.since);
      done.forEach((e) => latencies.push(now - e.accepted));
      const left = entries.filter((e) => builtAt < e.since);
      if (left.length > 0) {
        waiting.set(customerId, left);
      } else {
        waiting.delete(customerId);
      }
    }
  };
  let stopped = false;
  const sender = setInterval(() => {
    if (!stopped) {
      const { customer_id: customerId, value } = emails[sent % emails.length]!;
      void send(customerId, value, products[sent % products.length]!.sku);
      sent += 1;
    }
  }, everyMs);
  const lags: number[] = [];
  const lagSampler = setInterval(() => {
    void postgres
      .query<{ lag_ms: number }>(
        `SELECT coalesce(extract(epoch FROM now() - min(created_at)) * 1000, 0)::float8 AS lag_ms
           FROM outbox WHERE lane = 'main'`,
      )
      .then(({ rows }) => lags.push(rows[0]!.lag_ms));
  }, LAG_SAMPLE_MS);
  const watcher = (async () => {
    const deadline = () => performance.now() + FRESHNESS_DEADLINE_MS;
    let giveUpAt = Infinity;
    while (!stopped || ((waiting.size > 0 || answered < sent) && performance.now() < giveUpAt)) {
      if (stopped && giveUpAt === Infinity) {
        giveUpAt = deadline();
      }
      if (waiting.size > 0) {
        await settle();
      }
      await delay(10);
    }
  })();
  return {
    async stop() {
      stopped = true;
      clearInterval(sender);
      await watcher;
      clearInterval(lagSampler);
      const never = [...waiting.values()].flat().length;
      return {
        count: latencies.length,
        never,
        p50: quantile(latencies, 0.5),
        p99: quantile(latencies, 0.99),
        max: quantile(latencies, 1),
        relayLag: { p50: quantile(lags, 0.5), p99: quantile(lags, 0.99), max: quantile(lags, 1) },
      };
    },
  };
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
