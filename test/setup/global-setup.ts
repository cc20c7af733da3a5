import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import {
  ensureLauncherBuilt,
  type RunningNeo4j,
  startNeo4jLauncher,
} from '../../src/datasources/neo4j-launcher.js';
import { freePort } from '../../src/lib/free-port.js';
import { createSilentLogger } from '../../src/logger.js';

let neo4j: RunningNeo4j | undefined;
let dataDir: string | undefined;

/**
 * Starts one embedded Neo4j for the whole run (a JVM per test file would cost more than the
 * tests), on a free port with a throw-away store, unless C360_TEST_NEO4J_URI already points at
 * a server. Test files isolate their graph data by unique ids.
 */
export async function globalSetup(): Promise<void> {
  if (process.env['C360_TEST_NEO4J_URI']) {
    return;
  }
  const logger = createSilentLogger();
  await ensureLauncherBuilt(logger);
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'c360-test-neo4j-'));
  neo4j = await startNeo4jLauncher({
    dataDir,
    boltPort: await freePort(),
    heap: '768m',
    pageCache: '128m',
    logger,
  });
  process.env['C360_TEST_NEO4J_URI'] = neo4j.uri;
}

export async function globalTeardown(): Promise<void> {
  await neo4j?.stop();
  if (dataDir) {
    await rm(dataDir, { recursive: true, force: true });
  }
}
