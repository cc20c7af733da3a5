/**
 * `c360 graph rebuild` against the relay it replaces: the bench population (customers with
 * families, products, campaigns with targeting, events) is loaded into PostgreSQL with its
 * graph facts queued in the outbox, and the gateway's relay builds the graph from them (the
 * baseline, timed from the commit of the load to an empty outbox). Then GraphProjection wipes
 * that graph and re-projects it from PostgreSQL through the same appliers. The headline is the
 * ratio of the two times on the same data in the same run; the graph is compared node and edge
 * counts per label and type, before and after.
 *
 *   npm run build && node dist/bench/graph-rebuild.bench.js
 *
 * DATABASE_URL: a database of its own, dropped and created at start (default
 * postgres://postgres@127.0.0.1:5432/c360_bench_graph_rebuild). Neo4j: always an embedded one
 * in a temporary folder (the bench wipes it). BENCH_CUSTOMERS (10000), BENCH_PRODUCTS (1000),
 * BENCH_EVENTS (100000).
 */
import 'reflect-metadata';

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import pg from 'pg';

import { startBackends } from '../src/backends.js';
import { gatewayAppliers } from '../src/cli/graph-stores.js';
import { loadConfig } from '../src/config.js';
import { freePort } from '../src/lib/free-port.js';
import type { GraphDb } from '../src/datasources/neo4j.js';
import { createSilentLogger } from '../src/logger.js';
import { GraphProjection } from '../src/modules/graph/graph-projection.service.js';
import { DEFAULT_SPEC, type DatasetSpec } from './dataset/bench-dataset.js';
import { ensureBenchDataset } from './dataset/load-bench-dataset.js';

const env = process.env;
const DATABASE_URL =
  env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/c360_bench_graph_rebuild';
const SPEC: DatasetSpec = {
  ...DEFAULT_SPEC,
  customers: Number(env['BENCH_CUSTOMERS'] ?? 10_000),
  products: Number(env['BENCH_PRODUCTS'] ?? 1_000),
  events: Number(env['BENCH_EVENTS'] ?? 100_000),
};

async function recreateDatabase(): Promise<void> {
  const url = new URL(DATABASE_URL);
  const name = url.pathname.slice(1);
  if (!/^\w+$/.test(name)) {
    throw new Error(`unexpected bench database name: ${name}`);
  }
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
}

/** Nodes per label and edges per type, sorted: what both builds must agree on. */
async function census(graph: GraphDb): Promise<string> {
  const count = async (name: string, statement: string) => {
    const result = await graph.read(name, (tx) => tx.run(statement));
    return result.records.map((r) => `${r.get('kind')} ${r.get('n')}`);
  };
  const nodes = await count(
    'bench.censusNodes',
    "MATCH (n) RETURN 'node ' + labels(n)[0] AS kind, count(*) AS n ORDER BY kind",
  );
  const edges = await count(
    'bench.censusEdges',
    "MATCH ()-[r]->() RETURN 'edge ' + type(r) AS kind, count(*) AS n ORDER BY kind",
  );
  return [...nodes, ...edges].join(', ');
}

async function main(): Promise<void> {
  await recreateDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'c360-bench-graph-rebuild-'));
  const config = loadConfig({
    PATH: env['PATH'],
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DEMO_DATA: 'off',
    DATABASE_URL,
    C360_DATA_DIR: dataDir,
    // Beside other work on the machine: not the default port another Neo4j may hold.
    NEO4J_EMBEDDED_BOLT_PORT: String(await freePort()),
    SUPPRESSION_PEPPER: 'c360-bench-suppression-pepper-0123456789abcdef',
    DATABASE_STATEMENT_TIMEOUT_MS: '600000',
    NEO4J_TIMEOUT_MS: '120000',
  });
  const logger = createSilentLogger();
  const backends = await startBackends(config, logger);
  try {
    const marks = new Map<string, number>();
    await ensureBenchDataset(backends, SPEC, (message) => {
      marks.set(message.split(' ')[0]!, performance.now());
      console.error(`load: ${message}`);
    });
    // From the commit of the load ('postgres loaded ...; analysing') to an empty outbox.
    const relayMs = marks.get('graph')! - marks.get('postgres')!;
    const before = await census(backends.graph);

    const projection = new GraphProjection({
      db: backends.postgres,
      graph: backends.graph,
      appliers: await gatewayAppliers(config, backends.postgres, backends.graph, logger),
    });
    const wipeStarted = performance.now();
    const deleted = await projection.wipe();
    const projectStarted = performance.now();
    const projected = await projection.projectAll();
    const done = performance.now();
    const after = await census(backends.graph);

    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log(
      `data: ${SPEC.customers} customers, ${SPEC.products} products, ${SPEC.events} events (seed ${SPEC.seed})`,
    );
    console.log(`graph: ${before}`);
    console.log(`relay from the outbox (baseline, incl. ANALYZE): ${seconds(relayMs)}`);
    console.log(
      `rebuild: wipe ${deleted} nodes ${seconds(projectStarted - wipeStarted)}, project ${seconds(done - projectStarted)} (${JSON.stringify(projected)})`,
    );
    console.log(
      `rebuild / relay: ${((done - wipeStarted) / relayMs).toFixed(2)}x the time; same graph: ${before === after ? 'yes' : `NO — after: ${after}`}`,
    );
    if (before !== after) {
      process.exitCode = 1;
    }
  } finally {
    await backends.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
