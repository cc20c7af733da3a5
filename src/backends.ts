import path from 'node:path';

import type { Config } from './config.js';
import { migrate } from './datasources/migrate.js';
import { applyGraphSchema, GraphDb } from './datasources/neo4j.js';
import {
  ensureLauncherBuilt,
  type RunningNeo4j,
  startNeo4jLauncher,
} from './datasources/neo4j-launcher.js';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './datasources/pglite.js';
import { type DataFolderLock, lockDataFolder } from './lib/data-folder-lock.js';
import { describePostgresUrl, Postgres } from './datasources/postgres.js';
import { connectRedis, type RedisConnections } from './datasources/redis.js';
import type { Logger } from './logger.js';
import { resolveSuppressionPepper } from './modules/privacy/suppression-pepper.js';
import { createGatewayPubSub, type GatewayPubSub } from './subscriptions/pubsub.js';

/** A store could not be reached at start; the message says which, where, and what to change. */
export class BackendUnavailableError extends Error {
  override name = 'BackendUnavailableError';
}

async function reach<T>(
  store: string,
  target: string,
  variable: string,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new BackendUnavailableError(
      `${store} at ${target} did not answer: ${reason}. Check ${variable}, or unset it to use the embedded default.`,
      { cause: error },
    );
  }
}

/**
 * Locks the data folder when `config` runs any store embedded in it (PGlite without
 * DATABASE_URL, Neo4j without NEO4J_URI), so a second gateway or CLI command on the same
 * folder is refused at once with the holder's pid, instead of failing later on a store lock.
 * `null` when every store is external: instances then share nothing on disk.
 *
 * @throws DataFolderLockedError when another live process holds the folder.
 */
export function lockEmbeddedStores(config: Config, command: string): DataFolderLock | null {
  return config.postgres.url === null || config.neo4j.uri === null
    ? lockDataFolder(config.dataDir, command)
    : null;
}

/** Every backing store the gateway talks to, started or connected, ready for use. */
export interface Backends {
  postgres: Postgres;
  graph: GraphDb;
  /** `null` when running on the in-process fallback. */
  redis: RedisConnections | null;
  pubSub: GatewayPubSub;
  /**
   * The secret that keys the hashes this PostgreSQL keeps of erased customers' identities
   * (SUPPRESSION_PEPPER, or the one kept beside the embedded database).
   */
  suppressionPepper: string;
  /** What each store runs on, for the start-up banner and `/readyz`. */
  describe(): Record<'postgres' | 'neo4j' | 'redis', string>;
  /** Closes clients, then stops whatever was embedded; never throws. */
  stop(): Promise<void>;
}

/**
 * Connects to the configured stores, or starts the embedded ones where no URL is given:
 * PGlite (with pgvector) for PostgreSQL, the JVM launcher for Neo4j, an in-process PubSub for
 * Redis. PostgreSQL (with its migrations) and Neo4j (with its constraints) start concurrently,
 * both done before this resolves. The suppression pepper is settled first: a production
 * deployment without one starts nothing.
 *
 * On failure, whatever was already started is stopped before the error is re-thrown.
 */
export async function startBackends(config: Config, logger: Logger): Promise<Backends> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      await stop().catch((err: unknown) => logger.warn({ err }, 'stop failed'));
    }
    stops.length = 0;
  };
  try {
    const suppressionPepper = await resolveSuppressionPepper(config, logger);
    // PostgreSQL and Neo4j start side by side: the embedded JVM takes seconds to come up, and
    // waiting for PGlite and the migrations first made every start that much longer.
    const [postgres, graph] = await bothStarted(
      (async () => {
        const opened = await openPostgres(config, logger);
        stops.push(opened.close);
        const { postgres } = opened;
        await reach('PostgreSQL', postgres.target, 'DATABASE_URL', () => migrate(postgres, logger));
        return postgres;
      })(),
      (async () => {
        const graph = await startGraph(config, logger, stops);
        await reach('Neo4j', graph.target, 'NEO4J_URI', () => applyGraphSchema(graph));
        return graph;
      })(),
    );
    const redisUrl = config.redis.url;
    const redis =
      redisUrl === null
        ? null
        : await reach('Redis', redisUrl.replace(/\/\/[^@]*@/, '//'), 'REDIS_URL', () =>
            connectRedis({ ...config.redis, url: redisUrl, logger }),
          );
    if (redis) {
      stops.push(() => redis.close());
    }
    return {
      postgres,
      graph,
      redis,
      pubSub: createGatewayPubSub(redis, logger),
      suppressionPepper,
      describe: () => ({
        postgres: `${postgres.kind} ${postgres.target}`,
        neo4j: `${graph.kind} ${graph.target}`,
        redis: redis ? `redis ${redis.target}` : 'in-process fallback (single instance)',
      }),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * Waits for every start to settle (so each has registered its stop step) before failing with
 * the first failure in order, so nothing is left running behind an error.
 */
async function bothStarted<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [first, second] = await Promise.allSettled([a, b]);
  if (first.status === 'rejected') {
    throw first.reason;
  }
  if (second.status === 'rejected') {
    throw second.reason;
  }
  return [first.value, second.value];
}

/**
 * Opens the configured PostgreSQL, or starts the embedded PGlite under the data directory when
 * no DATABASE_URL is given. `close()` ends the pool and stops whatever was embedded.
 */
export async function openPostgres(
  config: Config,
  logger: Logger,
): Promise<{ postgres: Postgres; close(): Promise<void> }> {
  const common = {
    connectTimeoutMs: config.postgres.connectTimeoutMs,
    statementTimeoutMs: config.postgres.statementTimeoutMs,
    logger,
  };
  if (config.postgres.url !== null) {
    const postgres = new Postgres({
      ...common,
      kind: 'postgresql',
      connection: { connectionString: config.postgres.url },
      target: describePostgresUrl(config.postgres.url),
      poolMax: config.postgres.poolMax,
    });
    return { postgres, close: () => postgres.close() };
  }
  const embedded: EmbeddedPostgres = await startEmbeddedPostgres(
    path.join(config.dataDir, 'pglite'),
  );
  const postgres = new Postgres({
    ...common,
    kind: 'pglite',
    connection: {
      host: embedded.host,
      port: embedded.port,
      user: 'postgres',
      database: 'postgres',
    },
    target: embedded.dataDir,
    // PGlite is a single backend session: a second connection would share its transactions.
    poolMax: 1,
  });
  return {
    postgres,
    close: async () => {
      await postgres.close();
      await embedded.stop();
    },
  };
}

/**
 * Connects to the configured Neo4j, or starts the embedded one under the data directory, with
 * its constraints applied (for commands that need only the graph besides PostgreSQL).
 * `close()` ends the driver and stops whatever was embedded.
 */
export async function openGraph(
  config: Config,
  logger: Logger,
): Promise<{ graph: GraphDb; close(): Promise<void> }> {
  const stops: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const stop of stops.reverse()) {
      await stop().catch((err: unknown) => logger.warn({ err }, 'stop failed'));
    }
    stops.length = 0;
  };
  try {
    const graph = await startGraph(config, logger, stops);
    await reach('Neo4j', graph.target, 'NEO4J_URI', () => applyGraphSchema(graph));
    return { graph, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function startGraph(
  config: Config,
  logger: Logger,
  stops: (() => Promise<void>)[],
): Promise<GraphDb> {
  const { uri, user, password, timeoutMs, embedded } = config.neo4j;
  if (uri !== null) {
    const graph = new GraphDb({ uri, user, password, timeoutMs, kind: 'neo4j', logger });
    stops.push(() => graph.close());
    return graph;
  }
  await ensureLauncherBuilt(logger);
  const running: RunningNeo4j = await startNeo4jLauncher({
    dataDir: path.join(config.dataDir, 'neo4j'),
    boltPort: embedded.boltPort,
    heap: embedded.heap,
    pageCache: embedded.pageCache,
    logger,
  });
  stops.push(() => running.stop());
  const graph = new GraphDb({
    uri: running.uri,
    user,
    password: '',
    timeoutMs,
    kind: 'embedded-neo4j',
    logger,
  });
  stops.push(() => graph.close());
  return graph;
}
