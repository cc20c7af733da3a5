/**
 * What a customer summary costs over the plain 360 read of the same data, in one run on one
 * gateway without a model (templates, so no network time hides the gateway's own work):
 *
 * - baseline: `customer(id)` with the fields the summary's facts are built from;
 * - summary, cache hit: `customer(id) { summary }` with the summary cached (the usual case);
 * - summary, cache miss: the same with the customer's cached summaries deleted first (outside
 *   the timing), so facts are read, digested, written by templates and cached.
 *
 * Requests are sequential (latency, not throughput), interleaved between the variants and
 * round-robin over the customers. Only
 * the ratios to the baseline compare between runs; these machines are shared and noisy.
 *
 *   npm run build && npm run bench:assistant
 *
 * PostgreSQL and Redis as the tests find them (test/support/services.ts); NEO4J_URI a running
 * Neo4j, or the embedded launcher starts one in a temporary folder. BENCH_CUSTOMERS (20),
 * BENCH_EVENTS per customer (20), BENCH_REQUESTS per variant (300).
 */
import 'reflect-metadata';

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { parse } from 'graphql';

import { ensureLauncherBuilt, startNeo4jLauncher } from '../src/datasources/neo4j-launcher.js';
import { freePort } from '../src/lib/free-port.js';
import { createSilentLogger } from '../src/logger.js';
import { summaryKey } from '../src/modules/assistant/summary.cache.js';
import {
  SetConsentDocument,
  TrackBatchDocument,
  UpsertCustomerDocument,
} from '../test/__generated__/graphql.js';
import { execute } from '../test/support/graphql-client.js';
import { relayed } from '../test/support/seed.js';
import { createTestApp, type TestApp } from '../test/support/test-app.js';

const env = process.env;
const CUSTOMERS = Number(env['BENCH_CUSTOMERS'] ?? 20);
const EVENTS = Number(env['BENCH_EVENTS'] ?? 20);
const REQUESTS = Number(env['BENCH_REQUESTS'] ?? 300);

const BASELINE = parse(/* GraphQL */ `
  query Baseline($id: ID!) {
    customer(id: $id) {
      id
      displayName
      email
      traits
      interestKeywords
      identities {
        type
        value
      }
      consent {
        purpose
        granted
      }
      events(first: 20) {
        edges {
          node {
            id
            type
            name
            properties
            occurredAt
          }
        }
      }
      family {
        relation
      }
      segments {
        __typename
      }
      predictions {
        churnRisk
      }
    }
  }
`);

const SUMMARY = parse(/* GraphQL */ `
  query Summary($id: ID!) {
    customer(id: $id) {
      id
      summary {
        text
        citations {
          kind
          id
        }
      }
    }
  }
`);

async function main(): Promise<void> {
  const neo4j = env['NEO4J_URI'] ? null : await startNeo4j();
  process.env['C360_TEST_NEO4J_URI'] = env['NEO4J_URI'] ?? neo4j!.uri;
  let gateway: TestApp | null = null;
  try {
    gateway = await createTestApp();
    const ids = await seed(gateway);
    const redis = gateway.backends.redis!.commands;
    const timed = async (document: typeof BASELINE, id: string) => {
      const started = performance.now();
      const result = await execute(gateway!.url, document, { id });
      if (result.errors) {
        throw new Error(JSON.stringify(result.errors));
      }
      return performance.now() - started;
    };
    // One pass of each first, so no variant pays the warm-up (plans, JIT) alone.
    for (const id of ids) {
      await timed(BASELINE, id);
      await timed(SUMMARY, id);
    }
    // Interleaved, so that the load of a shared machine drifting during the run weighs on
    // every variant alike: a miss (which caches the summary), then a hit, then the baseline.
    const times = { miss: [] as number[], hit: [] as number[], baseline: [] as number[] };
    for (let i = 0; i < REQUESTS; i++) {
      const id = ids[i % ids.length]!;
      await redis.del(summaryKey(id));
      times.miss.push(await timed(SUMMARY, id));
      times.hit.push(await timed(SUMMARY, id));
      times.baseline.push(await timed(BASELINE, id));
    }
    const baseline = { name: 'baseline 360 read', ...percentiles(times.baseline) };
    const hit = { name: 'summary, cache hit', ...percentiles(times.hit) };
    const miss = { name: 'summary, cache miss', ...percentiles(times.miss) };
    console.log(
      `customers ${CUSTOMERS}, events each ${EVENTS}, sequential requests per variant ${REQUESTS}`,
    );
    for (const row of [baseline, hit, miss]) {
      console.log(
        `${row.name.padEnd(22)} p50 ${row.p50.toFixed(2)} ms (${(row.p50 / baseline.p50).toFixed(2)}x)  p95 ${row.p95.toFixed(2)} ms (${(row.p95 / baseline.p95).toFixed(2)}x)`,
      );
    }
  } finally {
    await gateway?.stop();
    await neo4j?.stop();
  }
}

/** Customers with AI consent, an e-mail identity and EVENTS events each, relayed. */
async function seed(gateway: TestApp): Promise<string[]> {
  const ids: string[] = [];
  for (let c = 0; c < CUSTOMERS; c++) {
    const email = `bench-${randomUUID()}@example.com`;
    const tracked = await execute(gateway.url, TrackBatchDocument, {
      events: Array.from({ length: EVENTS }, (_, e) => ({
        messageId: randomUUID(),
        identity: { type: 'EMAIL' as const, value: email },
        type: e % 4 === 0 ? ('PURCHASE' as const) : ('VIEW' as const),
        name: `page-${e}`,
        properties: { plan: 'gold', price: e },
      })),
    });
    const id = tracked.data!.trackBatch.results[0]!.customerId!;
    await execute(gateway.url, UpsertCustomerDocument, {
      input: {
        id,
        displayName: `Bench ${c}`,
        email,
        traits: { plan: 'gold', interests: ['jazz'] },
      },
    });
    await execute(gateway.url, SetConsentDocument, {
      customerId: id,
      purpose: 'AI',
      granted: true,
    });
    ids.push(id);
  }
  await relayed(gateway.backends);
  return ids;
}

function percentiles(times: number[]): { p50: number; p95: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p95: at(0.95) };
}

async function startNeo4j(): Promise<{ uri: string; stop(): Promise<void> }> {
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
    uri: running.uri,
    stop: async () => {
      await running.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

await main();
