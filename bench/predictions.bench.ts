/**
 * Predictions at scale, on a population of its own (by default 100k customers) whose purchase
 * histories are the CDNOW sample's (2,357 real customers, 6,919 purchases over 18 months,
 * ../shared/data/cdnow), each history given to many customers and moved so that its period
 * ends near today: purchases shaped like real ones, with real amounts.
 *
 * - the fit: BG/NBD + Gamma-Gamma fitted on every buyer and everyone scored, against reading
 *   the purchase histories alone in the same run;
 * - the read: a single-customer 360 read with and without `predictions`, at 32 connections,
 *   alternated twice in the same window (the graph of this population is empty, so the read
 *   is lighter than bench:360's and the share of predictions comes out larger).
 *
 *   npm run build && npm run bench:predictions -- --scale 100000 --duration 15
 *
 * Its database is c360_bench_predictions beside the bench database (loaded once per scale),
 * its embedded Neo4j in .bench-data-predictions/. The last line is one JSON object.
 */
import 'reflect-metadata';

import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { createApp } from '../src/app.js';
import { type Backends, startBackends } from '../src/backends.js';
import { loadConfig } from '../src/config.js';
import { createSilentLogger } from '../src/logger.js';
import { ALL_SCOPES } from '../src/modules/access/access.type.js';
import { createApiKeyService } from '../src/modules/access/api-key.service.js';
import { PredictionService } from '../src/modules/prediction/prediction.service.js';
import { PredictionStore } from '../src/modules/prediction/prediction.store.js';
import { sharedDataFile } from '../test/support/shared-data.js';
import { BENCH_DATABASE_URL, ensureBenchDatabase } from './support/bench-database.js';
import { benchEnv } from './support/bench-env.js';
import { runInChild } from './support/child-process.js';
import { CUSTOMER_360_FIELDS } from './support/customer360-query.js';
import type { LoadFigures, LoadPlan } from './support/load-generator.js';

const { values: options } = parseArgs({
  options: {
    scale: { type: 'string', default: '100000' },
    duration: { type: 'string', default: '15' },
    connections: { type: 'string', default: '32' },
  },
});
const SCALE = Number(options.scale);
const DURATION_S = Number(options.duration);
const CONNECTIONS = Number(options.connections);
const DATABASE_URL = (() => {
  const url = new URL(BENCH_DATABASE_URL);
  url.pathname = '/c360_bench_predictions';
  return url.toString();
})();

const PREDICTIONS = `predictions {
  clv expectedPurchases(horizonDays: 90) pAlive churnRisk modelVersion computedAt
  rfm { recency frequency monetary segment }
  topFactors { factor value effect }
}`;
const read = (withPredictions: boolean) =>
  `query Read($id: ID!) { customer(id: $id) { ${CUSTOMER_360_FIELDS} ${withPredictions ? PREDICTIONS : ''} } }`;

interface Purchase {
  customer: number;
  day: number;
  value: number;
}

/** CDNOW_sample.txt: original id, customer index, YYYYMMDD, CDs, dollars. */
function readCdnow(): Purchase[] {
  const file = sharedDataFile('cdnow/CDNOW_sample.txt');
  if (file === null) {
    throw new Error('the CDNOW data was not found under shared/data (set C360_SHARED_DATA)');
  }
  return readFileSync(file, 'utf8')
    .trim()
    .split(/\r?\n/)
    .map((line) => {
      const [, customer, date, , value] = line.trim().split(/\s+/);
      const day =
        Date.UTC(Number(date!.slice(0, 4)), Number(date!.slice(4, 6)) - 1, Number(date!.slice(6))) /
        86_400_000;
      return { customer: Number(customer), day, value: Number(value) };
    });
}

/** Customers 0..scale-1, customer n living CDNOW customer (n mod 2,357)'s history. */
async function ensurePopulation(backends: Backends): Promise<void> {
  const db = backends.postgres;
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM customers');
  if (rows[0]!.n === SCALE) {
    console.error('load: population already loaded');
    return;
  }
  if (rows[0]!.n !== 0) {
    throw new Error(`c360_bench_predictions holds another population; drop it to change --scale`);
  }
  await db.query(
    `INSERT INTO customers (id, display_name)
     SELECT md5('pcustomer:' || n)::uuid, 'Customer ' || n FROM generate_series(0, $1 - 1) AS n`,
    [SCALE],
  );
  const purchases = readCdnow();
  const byCustomer = new Map<number, Purchase[]>();
  for (const purchase of purchases) {
    byCustomer.set(purchase.customer, [...(byCustomer.get(purchase.customer) ?? []), purchase]);
  }
  const cdnowCustomers = [...byCustomer.keys()].sort((a, b) => a - b);
  const lastDay = Math.max(...purchases.map((p) => p.day));
  const today = Math.floor(Date.now() / 86_400_000);
  const chunk: { id: string; customer: number; at: Date; value: number }[] = [];
  const flush = async () => {
    await db.query(
      `INSERT INTO events (message_id, customer_id, type, properties, occurred_at)
       SELECT m, md5('pcustomer:' || c)::uuid, 'purchase', jsonb_build_object('revenue', v), t
       FROM unnest($1::text[], $2::int[], $3::numeric[], $4::timestamptz[]) AS e(m, c, v, t)`,
      [
        chunk.map((p) => p.id),
        chunk.map((p) => p.customer),
        chunk.map((p) => p.value),
        chunk.map((p) => p.at),
      ],
    );
    chunk.length = 0;
  };
  for (let n = 0; n < SCALE; n += 1) {
    const history = byCustomer.get(cdnowCustomers[n % cdnowCustomers.length]!)!;
    // Each copy's period ends 0 to 6 days before today, so copies are not identical.
    const shift = today - (n % 7) - lastDay;
    history.forEach((purchase, k) => {
      chunk.push({
        id: `cdnow-${n}-${k}`,
        customer: n,
        at: new Date((purchase.day + shift) * 86_400_000 + 12 * 3_600_000),
        value: purchase.value,
      });
    });
    if (chunk.length >= 20_000) {
      await flush();
      console.error(`load: customers ${n + 1}/${SCALE}`);
    }
  }
  await flush();
  await db.query('ANALYZE');
}

async function main(): Promise<void> {
  await ensureBenchDatabase(DATABASE_URL);
  const logger = createSilentLogger();
  const config = loadConfig({
    ...benchEnv(CONNECTIONS),
    DATABASE_URL,
    C360_DATA_DIR: path.resolve('.bench-data-predictions'),
  });
  const backends = await startBackends(config, logger);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void backends.stop().finally(() => process.exit(130)));
  }
  try {
    await ensurePopulation(backends);
    const store = new PredictionStore(backends.postgres);
    let started = performance.now();
    const histories = await store.histories(null, new Date());
    const readMs = performance.now() - started;
    const service = new PredictionService(backends.postgres, config.predictions, logger);
    started = performance.now();
    const fit = await service.fit();
    const fitMs = performance.now() - started;
    if (fit.model === null) {
      throw new Error('the models did not converge on this population');
    }
    console.log(
      `fit: ${histories.length} buyers; BG/NBD + Gamma-Gamma fitted and ${fit.scored} customers scored in ${(fitMs / 1000).toFixed(1)} s, ${(fitMs / readMs).toFixed(1)}x the ${(readMs / 1000).toFixed(2)} s of reading the histories alone`,
    );
    console.log(
      `fitted: ${JSON.stringify({ bgnbd: fit.model.bgnbd, gammaGamma: fit.model.gammaGamma })}`,
    );

    const { key } = await createApiKeyService(
      backends.postgres,
      backends.redis,
      config.access.keyCacheTtlMs,
      logger,
    ).create('bench', ALL_SCOPES, { keyId: null, requestId: null, via: 'cli' });
    const app = await createApp({ config, logger, backends });
    const url = await app.listen();
    const { rows } = await backends.postgres.query<{ customer_id: string }>(
      `SELECT customer_id FROM customer_predictions ORDER BY md5(customer_id::text) LIMIT 200`,
    );
    const bodies = (withPredictions: boolean) =>
      rows.map(({ customer_id: id }) =>
        JSON.stringify({ query: read(withPredictions), variables: { id } }),
      );
    const load = async (withPredictions: boolean, durationS: number) => {
      const figures = await runInChild<LoadPlan, LoadFigures>('load-generator.js', {
        url,
        key,
        bodies: bodies(withPredictions),
        connections: CONNECTIONS,
        durationS,
      });
      if (figures.errors > 0) {
        throw new Error(`${figures.errors} failed requests: ${figures.firstError}`);
      }
      return figures;
    };
    // Both variants warm before anything counts: the first minute of a run is slower.
    await load(false, DURATION_S);
    await load(true, DURATION_S);
    const runs: { withPredictions: boolean; figures: LoadFigures; load: number }[] = [];
    for (const withPredictions of [false, true, false, true]) {
      const figures = await load(withPredictions, DURATION_S);
      runs.push({ withPredictions, figures, load: loadavg()[0]! });
      console.log(
        `360 read ${withPredictions ? 'with   ' : 'without'} predictions: ${figures.rps.toFixed(1)} req/s  p50 ${figures.p50} ms  p99 ${figures.p99} ms  load ${loadavg()[0]!.toFixed(2)}`,
      );
    }
    await app.stop();
    const mean = (flag: boolean, pick: (f: LoadFigures) => number) => {
      const matching = runs.filter((run) => run.withPredictions === flag);
      return matching.reduce((sum, run) => sum + pick(run.figures), 0) / matching.length;
    };
    const p99Ratio = mean(true, (f) => f.p99) / mean(false, (f) => f.p99);
    const rpsRatio = mean(true, (f) => f.rps) / mean(false, (f) => f.rps);
    console.log(
      `\nwith / without predictions: p99 ${p99Ratio.toFixed(2)}x, throughput ${rpsRatio.toFixed(2)}x`,
    );
    console.log(
      JSON.stringify({
        fit: {
          buyers: histories.length,
          scored: fit.scored,
          seconds: fitMs / 1000,
          read_seconds: readMs / 1000,
        },
        read_with_predictions: { p99: mean(true, (f) => f.p99), rps: mean(true, (f) => f.rps) },
        read_without: { p99: mean(false, (f) => f.p99), rps: mean(false, (f) => f.rps) },
        ratio_p99: Math.round(p99Ratio * 100) / 100,
        load: runs.map((run) => run.load),
        scale: SCALE,
      }),
    );
  } finally {
    await backends.stop();
  }
}

await main();
