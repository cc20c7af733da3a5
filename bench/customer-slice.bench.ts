/**
 * How much the three-store customer query costs against the cheapest GraphQL request the same
 * gateway serves, measured in one run (the machines are shared and noisy, so only the ratio is
 * comparable between runs).
 *
 *   npm run build && npm run bench:slice      (DATABASE_URL, NEO4J_URI, REDIS_URL as for npm start;
 *                                              unset ones use the embedded defaults)
 *
 * The gateway runs in this process on a free port with the demo population loaded into a
 * fresh database folder or the given DATABASE_URL; autocannon drives it over real HTTP.
 */
import 'reflect-metadata';

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import autocannon from 'autocannon';

import { createApp } from '../src/app.js';
import { startBackends } from '../src/backends.js';
import { loadConfig } from '../src/config.js';
import { createApiKeyService } from '../src/modules/access/api-key.service.js';
import { loadDemoDataIfEmpty } from '../src/demo/load-demo-data.js';
import { createSilentLogger } from '../src/logger.js';
import { ALL_SCOPES } from '../src/modules/access/access.type.js';

const DURATION_S = Number(process.env['BENCH_DURATION_S'] ?? 10);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 20);

const WORKLOADS = {
  baseline: '{ __typename }',
  customer360:
    '{ customers(first: 20) { edges { node { id displayName traits family { relation customer { displayName } } similarCustomers(first: 5) { score customer { displayName } } } } } }',
};

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'c360-bench-'));
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    C360_DATA_DIR: dataDir,
  });
  const logger = createSilentLogger();
  const backends = await startBackends(config, logger);
  try {
    await loadDemoDataIfEmpty(backends, logger);
    const app = await createApp({ config, logger, backends });
    const url = await app.listen();
    // All scopes, as a trusted back office would use: the unmasked path, audit entries included.
    const { key } = await createApiKeyService(
      backends.postgres,
      backends.redis,
      config.access.keyCacheTtlMs,
      logger,
    ).create('bench', ALL_SCOPES, { keyId: null, requestId: null, via: 'cli' });
    console.log(`stores: ${JSON.stringify(backends.describe())}`);
    console.log(
      `load: ${CONNECTIONS} connections, ${DURATION_S} s per workload, after a 2 s warm-up\n`,
    );
    const results: Record<string, autocannon.Result> = {};
    for (const [name, query] of Object.entries(WORKLOADS)) {
      await run(url, key, query, 2);
      results[name] = await run(url, key, query, DURATION_S);
      const r = results[name]!;
      console.log(
        `${name.padEnd(12)} ${r.requests.average.toFixed(0).padStart(6)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  errors ${r.errors + r.non2xx}`,
      );
    }
    const base = results['baseline']!;
    const full = results['customer360']!;
    console.log(
      `\ncustomer360 / baseline: throughput ${(full.requests.average / base.requests.average).toFixed(3)}x, p99 latency ${(full.latency.p99 / Math.max(base.latency.p99, 1)).toFixed(1)}x`,
    );
    await app.stop();
  } finally {
    await backends.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function run(
  url: string,
  key: string,
  query: string,
  duration: number,
): Promise<autocannon.Result> {
  return autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query }),
    connections: CONNECTIONS,
    duration,
  });
}

await main();
