import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { type App, createApp } from '../../src/app.js';
import { type Backends, startBackends } from '../../src/backends.js';
import { loadConfig } from '../../src/config.js';
import { createSilentLogger } from '../../src/logger.js';
import { createTestDatabase } from './database.js';
import { TEST_SERVICES } from './services.js';
import { TEST_SUPPRESSION_PEPPER } from './test-app.js';

export interface DevKeyGateway {
  app: App;
  backends: Backends;
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** The all-scopes development key the gateway made (whether or not its pages carry it). */
  devKey: string;
  stop(): Promise<void>;
}

/**
 * The real gateway with a development key, as `npm start` makes one, on the test stores (a
 * fresh database). `host` is the address it is configured with, which decides whether its pages
 * may carry the key; whatever it says, the test listens on a free loopback port, so no test
 * opens a port beyond this machine.
 */
export async function startDevKeyGateway(
  host: string,
  env: Record<string, string> = {},
): Promise<DevKeyGateway> {
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'c360-dev-key-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: host,
    LOG_LEVEL: 'silent',
    DEMO_DATA: 'off',
    C360_DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    NEO4J_URI: TEST_SERVICES.neo4jUri,
    NEO4J_TIMEOUT_MS: '20000',
    REDIS_URL: TEST_SERVICES.redisUrl,
    RATE_LIMIT_FAILED_AUTH_PER_MINUTE: '100000',
    SUPPRESSION_PEPPER: TEST_SUPPRESSION_PEPPER,
    RECOMMENDATION_REFIT_MINUTES: '0',
    PREDICTION_REFIT_MINUTES: '0',
    ...env,
  });
  const logger = createSilentLogger();
  const backends = await startBackends(config, logger);
  const app = await createApp({ config, logger, backends, withDevKey: true });
  await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = app.httpServer.address() as AddressInfo;
  return {
    app,
    backends,
    baseUrl: `http://127.0.0.1:${port}`,
    devKey: app.devKey!,
    async stop() {
      await app.stop();
      await backends.stop();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
