import { mkdir } from 'node:fs/promises';

import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

import { freePort } from '../lib/free-port.js';

/** An embedded PostgreSQL (PGlite with pgvector and pg_trgm) reachable over the wire protocol on loopback. */
export interface EmbeddedPostgres {
  host: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts PGlite persisted under `dataDir`, served on a free loopback port so the ordinary `pg`
 * client (and so every store) works unchanged.
 *
 * PGlite is one backend session: several connections would share one transaction state, so
 * callers must use a pool of exactly one connection.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir, { extensions: { vector, pg_trgm } });
  const host = '127.0.0.1';
  const port = await freePort(host);
  const server = new PGLiteSocketServer({ db, host, port, maxConnections: 1 });
  await server.start();
  return {
    host,
    port,
    dataDir,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
