import path from 'node:path';

import { BENCH_DATABASE_URL } from './bench-database.js';

/** Where the benches' embedded Neo4j keeps the loaded graph between runs. */
export const BENCH_DATA_DIR = path.resolve('.bench-data');

/**
 * The environment a bench's gateway runs with: the bench database and graph, nothing running
 * in the background during a measurement, and limits fit for one key sending every request.
 */
export function benchEnv(connections: number): Record<string, string> {
  return {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DEMO_DATA: 'off',
    DATABASE_URL: BENCH_DATABASE_URL,
    C360_DATA_DIR: BENCH_DATA_DIR,
    // The one-off load runs long statements and graph transactions; requests are far below.
    DATABASE_STATEMENT_TIMEOUT_MS: '600000',
    NEO4J_TIMEOUT_MS: '120000',
    // No model fits at start: they would run in the background during the measurement.
    RECOMMENDATION_REFIT_MINUTES: '0',
    PREDICTION_REFIT_MINUTES: '0',
    // One key sends every request: its limits would answer most with a fast 429.
    RATE_LIMIT_PER_KEY_PER_MINUTE: '1000000000',
    KEY_MAX_CONCURRENT_OPERATIONS: String(connections),
    // A page of 20 full views is a legitimate back-office read above the default budget.
    GRAPHQL_MAX_COST: '200000',
  };
}
