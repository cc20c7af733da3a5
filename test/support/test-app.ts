import type { AddressInfo } from 'node:net';

import { type App, createApp } from '../../src/app.js';
import { type Backends, startBackends } from '../../src/backends.js';
import { type Config, loadConfig } from '../../src/config.js';
import { createApiKeyService } from '../../src/modules/access/api-key.service.js';
import { createSilentLogger } from '../../src/logger.js';
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
    REDIS_URL: TEST_SERVICES.redisUrl,
    SUPPRESSION_PEPPER: TEST_SUPPRESSION_PEPPER,
    ...options.env,
  });
  const logger = createSilentLogger();
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
