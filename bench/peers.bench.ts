/**
 * c360 against the stack a team would assemble instead (issue 13, bench/peers): PostGraphile 5
 * over the same PostgreSQL, @neo4j/graphql over the same Neo4j, stitched with GraphQL Tools and
 * served by one Node process. Same generated population as bench:360, same read (the 360 view
 * without what the peer has no equivalent for; see support/peer-query.ts), checked to return the
 * same facts through both before anything is timed.
 *
 * At each concurrency (8, 32, 128 by default) the two alternate in the same window: c360 for
 * --duration seconds, then the peer, --rounds times, the order swapped every round, so that a
 * neighbour's load on this shared machine falls on both. Figures are the median over rounds:
 * throughput, p50, p99, and the gateway's CPU time per read (c360's process, the peer's; the
 * stores not counted), which a loaded machine disturbs least. The load generator runs in a
 * process of its own, the peer in another.
 *
 *   npm run build && npm run bench:peers -- --scale 100000 --duration 10 --rounds 3
 *
 * Options: --scale N (customers, default 100000), --duration S, --rounds N, --warmup S,
 * --connections 8,32,128, --sample N (distinct customers read). Stores as bench:360
 * (DATABASE_URL, .bench-data/, BENCH_RESET=1). bench/peers' own dependencies are installed
 * (`npm ci --prefix bench/peers`) on first use. The last line is one JSON object.
 */
import 'reflect-metadata';

import { rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
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
import { BENCH_DATA_DIR, benchEnv } from './support/bench-env.js';
import { runInChild } from './support/child-process.js';
import type { LoadFigures, LoadPlan } from './support/load-generator.js';
import { type Comparable, differences, fromC360, fromPeer } from './support/peer-answers.js';
import { C360_COMPARABLE_360, PEER_360 } from './support/peer-query.js';
import { ensurePeerInstalled, startPeerStack } from './support/peer-stack.js';

const { values: options } = parseArgs({
  options: {
    scale: { type: 'string', default: String(DEFAULT_SPEC.customers) },
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '15' },
    connections: { type: 'string', default: '8,32,128' },
    sample: { type: 'string', default: '200' },
  },
});
const SCALE = Number(options.scale);
const DURATION_S = Number(options.duration);
const ROUNDS = Number(options.rounds);
const WARMUP_S = Number(options.warmup);
const LEVELS = options.connections.split(',').map(Number);
const SAMPLE = Number(options.sample);
/** Both stacks are warmed (and Neo4j with them) at bench:360's concurrency. */
const WARMUP_CONNECTIONS = 32;
/**
 * At 128 connections on this machine a read queues for seconds: autocannon's 10 s timeout
 * would drop the slowest requests and flatter p99, so none times out short of a minute.
 */
const REQUEST_TIMEOUT_S = 60;
const SPEC: DatasetSpec = {
  ...DEFAULT_SPEC,
  customers: SCALE,
  products: Math.max(100, Math.round((DEFAULT_SPEC.products * SCALE) / DEFAULT_SPEC.customers)),
  events: Math.round((DEFAULT_SPEC.events * SCALE) / DEFAULT_SPEC.customers),
};

type Stack = 'c360' | 'peer';
interface Target {
  url: string;
  bodies: string[];
  /** CPU time the stack's gateway process has used so far, in milliseconds. */
  cpuMs(): number;
}
interface Figures {
  rps: number;
  p50: number;
  p99: number;
  /** Gateway CPU per read (the stack's own Node process; the stores not counted), in ms. */
  cpu: number;
}

async function main(): Promise<void> {
  ensurePeerInstalled();
  if (process.env['BENCH_RESET'] === '1') {
    await dropBenchDatabase();
    await rm(BENCH_DATA_DIR, { recursive: true, force: true });
  }
  await ensureBenchDatabase();
  const logger = createSilentLogger();
  const config = loadConfig(benchEnv(Math.max(WARMUP_CONNECTIONS, ...LEVELS)));
  const backends = await startBackends(config, logger);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void backends.stop().finally(() => process.exit(130)));
  }
  try {
    await ensureBenchDataset(backends, SPEC, (message) => console.error(`load: ${message}`));
    const { key } = await createApiKeyService(
      backends.postgres,
      backends.redis,
      config.access.keyCacheTtlMs,
      logger,
    ).create('bench-peers', ALL_SCOPES, { keyId: null, requestId: null, via: 'cli' });
    const app = await createApp({ config, logger, backends });
    const peer = await startPeerStack({
      DATABASE_URL: BENCH_DATABASE_URL,
      NEO4J_URI: backends.graph.target.replace(/^[a-z+]+:/, 'bolt:'),
      DATABASE_POOL_MAX: String(config.postgres.poolMax),
    });
    try {
      const { rows } = await backends.postgres.query<{ id: string }>(
        `SELECT id FROM customers ORDER BY md5(id::text) LIMIT $1`,
        [SAMPLE],
      );
      const ids = rows.map((row) => row.id);
      const targets: Record<Stack, Target> = {
        c360: {
          url: await app.listen(),
          bodies: bodiesFor(C360_COMPARABLE_360, ids),
          // The gateway runs in this process, which only waits on the load generator meanwhile.
          cpuMs: () => {
            const { user, system } = process.cpuUsage();
            return (user + system) / 1000;
          },
        },
        peer: { url: peer.url, bodies: bodiesFor(PEER_360, ids), cpuMs: () => peer.cpuMs() },
      };
      console.log(`stores: ${JSON.stringify(backends.describe())}`);
      console.log(
        `data: ${SPEC.customers} customers, ${SPEC.products} products, ${SPEC.events} events (seed ${SPEC.seed}); ${ids.length} customers read in turn`,
      );
      console.log(
        `load: ${LEVELS.join(', ')} connections; c360 and peer alternate ${DURATION_S} s each, ${ROUNDS} rounds; ${WARMUP_S} s warm-up each\n`,
      );
      await compareAnswers(targets, key);

      for (const stack of ['c360', 'peer'] as const) {
        await load(targets[stack], key, WARMUP_CONNECTIONS, WARMUP_S);
      }
      const results: Record<string, unknown> = {};
      const loads: number[] = [];
      for (const connections of LEVELS) {
        const runs: Record<Stack, Figures[]> = { c360: [], peer: [] };
        for (let round = 0; round < ROUNDS; round += 1) {
          const order: Stack[] = round % 2 === 0 ? ['c360', 'peer'] : ['peer', 'c360'];
          for (const stack of order) {
            runs[stack].push(await load(targets[stack], key, connections, DURATION_S));
            loads.push(loadavg()[0]!);
          }
        }
        const c360 = median(runs.c360);
        const peerFigures = median(runs.peer);
        const ratios = { rps: c360.rps / peerFigures.rps, p99: c360.p99 / peerFigures.p99 };
        report(connections, 'c360', c360, runs.c360);
        report(connections, 'peer', peerFigures, runs.peer);
        console.log(
          `${String(connections).padStart(4)} c360/peer: throughput ${ratios.rps.toFixed(2)}x, p50 ${(c360.p50 / peerFigures.p50).toFixed(2)}x, p99 ${ratios.p99.toFixed(2)}x, gateway CPU per read ${(c360.cpu / peerFigures.cpu).toFixed(2)}x`,
        );
        results[String(connections)] = {
          c360: pick(c360),
          peer: pick(peerFigures),
          ratio_rps: round2(ratios.rps),
          ratio_p99: round2(ratios.p99),
        };
      }
      const rss = { c360: process.memoryUsage().rss / 2 ** 20, peer: peer.rssMb() };
      console.log(
        `\nRSS after the runs: c360 ${rss.c360.toFixed(0)} MB, peer ${rss.peer.toFixed(0)} MB; 1-minute load ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}`,
      );
      console.log(
        JSON.stringify({
          connections: results,
          rss_mb: { c360: Math.round(rss.c360), peer: Math.round(rss.peer) },
          load: { min: round2(Math.min(...loads)), max: round2(Math.max(...loads)) },
          scale: SCALE,
          duration_s: DURATION_S,
          rounds: ROUNDS,
        }),
      );
    } finally {
      await peer.stop();
      await app.stop();
    }
  } finally {
    await backends.stop();
  }
}

function bodiesFor(query: string, ids: string[]): string[] {
  return ids.map((id) => JSON.stringify({ query, variables: { id } }));
}

/**
 * Both stacks answer every sampled customer without errors, with the same facts: a comparison
 * of a fast wrong answer measures nothing. Differences are reported, field by field.
 */
async function compareAnswers(targets: Record<Stack, Target>, key: string): Promise<void> {
  const differing = new Map<string, { count: number; first: string }>();
  for (let i = 0; i < targets.c360.bodies.length; i += 1) {
    const [c360, peer] = await Promise.all(
      (['c360', 'peer'] as const).map((stack) =>
        answer(targets[stack].url, key, targets[stack].bodies[i]!),
      ),
    );
    const c = fromC360(c360 as Parameters<typeof fromC360>[0]);
    const p = fromPeer(peer as Parameters<typeof fromPeer>[0]);
    for (const field of differences(c, p)) {
      const seen = differing.get(field) ?? { count: 0, first: describe(field, c, p) };
      differing.set(field, { ...seen, count: seen.count + 1 });
    }
  }
  const n = targets.c360.bodies.length;
  if (differing.size === 0) {
    console.log(`answers: the same facts from both stacks for all ${n} customers`);
    return;
  }
  console.log(`answers differ on some fields, with the first difference of each:`);
  for (const [field, { count, first }] of differing) {
    console.log(`  ${field}: ${count} of ${n}; ${first}`);
  }
}

function describe(field: string, c360: Comparable, peer: Comparable): string {
  return `c360 ${JSON.stringify(c360[field])}, peer ${JSON.stringify(peer[field])}`;
}

async function answer(url: string, key: string, body: string): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body,
  });
  const result = (await response.json()) as { errors?: unknown[]; data?: { customer: unknown } };
  if (result.errors || !result.data?.customer) {
    throw new Error(`${url} did not answer fully: ${JSON.stringify(result).slice(0, 800)}`);
  }
  return result.data.customer;
}

async function load(
  target: Target,
  key: string,
  connections: number,
  durationS: number,
): Promise<Figures> {
  const cpuBefore = target.cpuMs();
  const figures = await runInChild<LoadPlan, LoadFigures>('load-generator.js', {
    url: target.url,
    key,
    bodies: target.bodies,
    connections,
    durationS,
    timeoutS: REQUEST_TIMEOUT_S,
  });
  if (figures.errors > 0) {
    throw new Error(
      `${figures.errors} failed requests (errors, timeouts or non-2xx) to ${target.url}; figures of failed requests measure nothing: ${figures.firstError}`,
    );
  }
  const cpu = (target.cpuMs() - cpuBefore) / figures.requests;
  return { rps: figures.rps, p50: figures.p50, p99: figures.p99, cpu };
}

/** Each figure's median over the rounds (rounds are few: the middle one, or the mean of two). */
function median(runs: Figures[]): Figures {
  const mid = (values: number[]) => {
    const s = [...values].sort((a, b) => a - b);
    const half = Math.floor(s.length / 2);
    return s.length % 2 === 1 ? s[half]! : (s[half - 1]! + s[half]!) / 2;
  };
  return {
    rps: mid(runs.map((r) => r.rps)),
    p50: mid(runs.map((r) => r.p50)),
    p99: mid(runs.map((r) => r.p99)),
    cpu: mid(runs.map((r) => r.cpu)),
  };
}

function report(connections: number, stack: Stack, figures: Figures, runs: Figures[]): void {
  console.log(
    `${String(connections).padStart(4)} ${stack.padEnd(5)} ${figures.rps.toFixed(1).padStart(8)} req/s  p50 ${figures.p50.toFixed(1)} ms  p99 ${figures.p99.toFixed(1)} ms  CPU ${figures.cpu.toFixed(1)} ms/read  (rounds: ${runs.map((r) => `${r.rps.toFixed(0)}/${r.p99.toFixed(0)}`).join(' ')} req/s / p99 ms)`,
  );
}

function pick({ rps, p50, p99, cpu }: Figures) {
  return { rps: round2(rps), p50: round2(p50), p99: round2(p99), cpu_ms: round2(cpu) };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

await main();
