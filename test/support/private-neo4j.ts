import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { type RunningNeo4j, startNeo4jLauncher } from '../../src/datasources/neo4j-launcher.js';
import { freePort } from '../../src/lib/free-port.js';
import { createSilentLogger } from '../../src/logger.js';

/**
 * A launcher of a test's own (its own store and port), for tests that stop and restart Neo4j
 * without disturbing the rest of the suite. `restart()` reopens the same store on the same port.
 */
export interface PrivateNeo4j {
  uri: string;
  dataDir: string;
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Stops the launcher and deletes its store. */
  dispose(): Promise<void>;
}

export async function startPrivateNeo4j(): Promise<PrivateNeo4j> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'c360-private-neo4j-'));
  const boltPort = await freePort();
  const start = () =>
    startNeo4jLauncher({
      dataDir,
      boltPort,
      heap: '512m',
      pageCache: '64m',
      logger: createSilentLogger(),
    });
  let running: RunningNeo4j = await start();
  return {
    uri: running.uri,
    dataDir,
    stop: () => running.stop(),
    async restart() {
      running = await start();
    },
    async dispose() {
      await running.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
