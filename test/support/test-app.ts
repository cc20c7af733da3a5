import type { AddressInfo } from 'node:net';

import { type App, createApp } from '../../src/app.js';
import { type Backends, startBackends } from '../../src/backends.js';
import { type Config, loadConfig } from '../../src/config.js';
import { createApiKeyService } from '../../src/modules/access/api-key.service.js';
import { createSilentLogger, type Logger } from '../../src/logger.js';
import { ALL_SCOPES } from '../../src/modules/access/access.type.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { setDefaultApiKey } from './graphql-client.js';
import { TEST_SERVICES } from './services.js';

/**
 * The pepper every test app keys suppressions with, set explicitly as a deployment would
 * (apps sharing a database must agree on it); tests compute expected keys from it.
 */
export const TEST_SUPPRESSION_PEPPER = 'c360-test-suppression-pepper-0123456789abcdef';

export interface TestApp {
  app: App;
  backends: Backends;
  config: Config;
  /** `http://127.0.0.1:<port>/graphql` */
  url: string;
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  database: TestDatabase;
  /** An all-scopes key, sent by default by `execute(url, ...)` and `wsClient(url)`. */
  apiKey: string;
  stop(): Promise<void>;
}

export interface TestAppOptions {
  /** Extra environment, e.g. NODE_ENV=production or NEO4J_URI of a private launcher. */
  env?: Record<string, string>;
  /** Share a database with another test app (two gateway instances, one system of record). */
  database?: TestDatabase;
  /** The app's logger (default: silent), e.g. one recording lines to assert on. */
  logger?: Logger;
}

/**
 * The real gateway on real stores, listening on a free loopback port: a fresh PostgreSQL
 * database (migrated), the test run's Neo4j, the machine's Redis. `stop()` shuts it down the
 * way SIGTERM would and drops the database it created.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DEMO_DATA: 'off',
    DATABASE_URL: database.url,
    NEO4J_URI: TEST_SERVICES.neo4jUri,
    // The suite's Neo4j is a fresh JVM sharing two cores with the tests: its first plans of a
    // query can take seconds, which the production deadline (5 s) would turn into
    // NEO4J_UNAVAILABLE. Tests check what is answered, not how fast (benchmarks do that).
    NEO4J_TIMEOUT_MS: '20000',
    REDIS_URL: TEST_SERVICES.redisUrl,
    // Failed authentications are counted per address in the shared Redis: every test file
    // sends some from 127.0.0.1. Tests of the limits themselves set their own.
    RATE_LIMIT_FAILED_AUTH_PER_MINUTE: '100000',
    // Race tests fire many operations at once with one key; the bulkhead has its own test.
    KEY_MAX_CONCURRENT_OPERATIONS: '1000',
    SUPPRESSION_PEPPER: TEST_SUPPRESSION_PEPPER,
    // Tests fit recommendation models when they need them (fitRecommendationModels), so an
    // app's start does no fitting of its own.
    RECOMMENDATION_REFIT_MINUTES: '0',
    // Likewise predictions (fitPredictionModels).
    PREDICTION_REFIT_MINUTES: '0',
    ...options.env,
  });
  const logger = options.logger ?? createSilentLogger();
  const backends = await startBackends(config, logger);
  const app = await createApp({ config, logger, backends });
  const url = await app.listen();
  const { port } = app.httpServer.address() as AddressInfo;
  // Straight through the store, as an operator's CLI would: the tests' own key is not under test.
  const { key: apiKey } = await createApiKeyService(
    backends.postgres,
    backends.redis,
    config.access.keyCacheTtlMs,
    logger,
  ).create('test', ALL_SCOPES, { keyId: null, requestId: null, via: 'cli' });
  setDefaultApiKey(url, apiKey);
  return {
    app,
    backends,
    config,
    url,
    baseUrl: `http://127.0.0.1:${port}`,
    database,
    apiKey,
    async stop() {
      setDefaultApiKey(url, null);
      await app.stop();
      await backends.stop();
      if (!options.database) {
        await database.drop();
      }
    },
  };
}
