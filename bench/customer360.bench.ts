/**
 * The full customer-360 query on a generated population (100k customers in households, 10k
 * products, 1M events; seeded, so every run sees the same data), served twice in one run: with
 * per-request DataLoaders (as shipped) and with them disabled (DATALOADER=off: every field of
 * every customer costs its own round trip), the in-run baseline. Only the ratio compares
 * between runs; these machines are shared and noisy.
 *
 *   npm run build && npm run bench:360
 *
 * DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/c360_bench (created when
 * missing); the embedded Neo4j keeps its data under .bench-data/ so later runs skip the load.
 * BENCH_RESET=1 drops both first. BENCH_DURATION_S, BENCH_CONNECTIONS, BENCH_CUSTOMERS,
 * BENCH_PRODUCTS and BENCH_EVENTS tune the run.
 */
import 'reflect-metadata';

import { rm } from 'node:fs/promises';
import path from 'node:path';

import autocannon from 'autocannon';

import { type App, createApp } from '../src/app.js';
import { startBackends } from '../src/backends.js';
import { loadConfig } from '../src/config.js';
import { createApiKeyService } from '../src/modules/access/api-key.service.js';
import { createSilentLogger } from '../src/logger.js';
import { ALL_SCOPES } from '../src/modules/access/access.type.js';
import { DEFAULT_SPEC, type DatasetSpec } from './dataset/bench-dataset.js';
import {
  BENCH_DATABASE_URL,
  dropBenchDatabase,
  ensureBenchDatabase,
} from './support/bench-database.js';
import { ensureBenchDataset } from './dataset/load-bench-dataset.js';

const env = process.env;
const DURATION_S = Number(env['BENCH_DURATION_S'] ?? 15);
const CONNECTIONS = Number(env['BENCH_CONNECTIONS'] ?? 10);
const DATABASE_URL = BENCH_DATABASE_URL;
const DATA_DIR = path.resolve('.bench-data');
const SPEC: DatasetSpec = {
  customers: Number(env['BENCH_CUSTOMERS'] ?? DEFAULT_SPEC.customers),
  products: Number(env['BENCH_PRODUCTS'] ?? DEFAULT_SPEC.products),
  events: Number(env['BENCH_EVENTS'] ?? DEFAULT_SPEC.events),
  seed: DEFAULT_SPEC.seed,
  revision: DEFAULT_SPEC.revision,
};

/** A page of 20 customers with everything the 360 view shows about each. */
const CUSTOMER_360 = /* GraphQL */ `
  {
    customers(first: 20, filter: { traits: { plan: "gold" } }) {
      edges {
        node {
          id
          displayName
          traits
          mergedFrom
          identities {
            type
            value
          }
          consent {
            purpose
            granted
          }
          events(first: 5) {
            edges {
              node {
                type
                occurredAt
              }
            }
          }
          family {
            relation
            customer {
              displayName
            }
          }
          relationships(depth: 2) {
            distance
            customer {
              displayName
            }
          }
          household {
            size
          }
          similarCustomers(first: 5) {
            score
            customer {
              displayName
            }
          }
        }
      }
    }
  }
`;

async function main(): Promise<void> {
  if (env['BENCH_RESET'] === '1') {
    await dropBenchDatabase();
    await rm(DATA_DIR, { recursive: true, force: true });
  }
  await ensureBenchDatabase();
  const logger = createSilentLogger();
  const baseEnv = {
    ...env,
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DEMO_DATA: 'off',
    DATABASE_URL,
    C360_DATA_DIR: DATA_DIR,
    // The one-off load runs long statements and graph transactions; requests are far below.
    DATABASE_STATEMENT_TIMEOUT_MS: '600000',
    NEO4J_TIMEOUT_MS: '120000',
    // No recommendation fit at start: on this many events it would run in the background
    // during the measurement.
    RECOMMENDATION_REFIT_MINUTES: '0',
    // One key sends every request: its limits (1,200 a minute, 8 at once) would answer most
    // of them with a fast 429, and the figures would measure refusals.
    RATE_LIMIT_PER_KEY_PER_MINUTE: '1000000000',
    KEY_MAX_CONCURRENT_OPERATIONS: String(CONNECTIONS),
  };
  const config = loadConfig(baseEnv);
  const backends = await startBackends(config, logger);
  // Ctrl-C during the long load must not leave the embedded Neo4j running.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void backends.stop().finally(() => process.exit(130));
    });
  }
  const apps: App[] = [];
  try {
    await ensureBenchDataset(backends, SPEC, (message) => console.error(`load: ${message}`));
    // All scopes, as a back office would use: unmasked fields, one audit entry per request.
    const { key } = await createApiKeyService(
      backends.postgres,
      backends.redis,
      config.access.keyCacheTtlMs,
      logger,
    ).create('bench', ALL_SCOPES, { keyId: null, requestId: null, via: 'cli' });
    console.log(`stores: ${JSON.stringify(backends.describe())}`);
    console.log(
      `data: ${SPEC.customers} customers, ${SPEC.products} products, ${SPEC.events} events (seed ${SPEC.seed})`,
    );
    console.log(`load: ${CONNECTIONS} connections, ${DURATION_S} s per run, after a 3 s warm-up\n`);
    const results: Record<string, autocannon.Result> = {};
    for (const dataLoader of ['on', 'off'] as const) {
      const app = await createApp({
        config: loadConfig({ ...baseEnv, DATALOADER: dataLoader }),
        logger,
        backends,
      });
      apps.push(app);
      const url = await app.listen();
      await assertAnswers(url, key);
      await run(url, key, 3);
      const result = await run(url, key, DURATION_S);
      if (result.errors + result.non2xx > 0) {
        throw new Error(
          `DATALOADER=${dataLoader}: ${result.errors} errors and ${result.non2xx} non-2xx answers; figures of failed requests measure nothing`,
        );
      }
      results[dataLoader] = result;
      console.log(
        `DATALOADER=${dataLoader.padEnd(3)} ${result.requests.average.toFixed(1).padStart(7)} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  errors ${result.errors + result.non2xx}`,
      );
      await app.stop();
    }
    const [on, off] = [results['on']!, results['off']!];
    console.log(
      `\nwith DataLoader / without: throughput ${(on.requests.average / off.requests.average).toFixed(2)}x, p50 latency ${(off.latency.p50 / Math.max(on.latency.p50, 1)).toFixed(2)}x lower, p99 ${(off.latency.p99 / Math.max(on.latency.p99, 1)).toFixed(2)}x lower`,
    );
  } finally {
    await backends.stop();
  }
}

/** A benchmark of errors measures nothing: check one full answer first. */
async function assertAnswers(url: string, key: string): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: CUSTOMER_360 }),
  });
  const body = (await response.json()) as {
    errors?: unknown[];
    data?: { customers: { edges: unknown[] } };
  };
  if (body.errors || body.data?.customers.edges.length !== 20) {
    throw new Error(`the 360 query did not answer fully: ${JSON.stringify(body).slice(0, 500)}`);
  }
}

function run(url: string, key: string, duration: number): Promise<autocannon.Result> {
  return autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: CUSTOMER_360 }),
    connections: CONNECTIONS,
    duration,
  });
}

await main();
