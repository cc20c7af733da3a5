import { platformSettings } from '../app.js';
import { openGraph, openPostgres, lockEmbeddedStores } from '../backends.js';
import { ChangeFeed } from '../changefeed/change-feed.js';
import type { Config } from '../config.js';
import type { GraphDb } from '../datasources/neo4j.js';
import type { Postgres } from '../datasources/postgres.js';
import { loaderTuning } from '../lib/loader-tuning.js';
import type { Logger } from '../logger.js';
import type { GraphStores } from '../modules/module.js';
import { resolveSuppressionPepper } from '../modules/privacy/suppression-pepper.js';
import { AfterCommit } from '../outbox/after-commit.js';
import type { OutboxApplier } from '../outbox/outbox.topic.js';
import { createGatewayPubSub } from '../subscriptions/pubsub.js';
import { wireModules } from '../wiring.js';

/**
 * PostgreSQL and Neo4j for commands that project the graph, with the appliers every module
 * registers for the relay (built on a platform without Redis or a relay of its own). When
 * either store is embedded the data folder is locked first, so this is refused beside a
 * running gateway.
 */
export async function openGraphStores(
  config: Config,
  logger: Logger,
  command: string,
): Promise<GraphStores> {
  const lock = lockEmbeddedStores(config, command);
  const closes: (() => Promise<void>)[] = [async () => lock?.release()];
  const close = async () => {
    for (const step of closes.reverse()) {
      await step();
    }
    closes.length = 0;
  };
  try {
    const pg = await openPostgres(config, logger);
    closes.push(pg.close);
    const neo4j = await openGraph(config, logger);
    closes.push(neo4j.close);
    const appliers = await gatewayAppliers(config, pg.postgres, neo4j.graph, logger);
    return {
      postgres: pg.postgres,
      graph: neo4j.graph,
      appliers,
      embedded: config.postgres.url === null,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Every module's outbox appliers, as a gateway's relay has them, built on a platform without
 * Redis or a relay of its own (nothing here writes the outbox).
 */
export async function gatewayAppliers(
  config: Config,
  postgres: Postgres,
  graph: GraphDb,
  logger: Logger,
): Promise<readonly OutboxApplier[]> {
  const pubSub = createGatewayPubSub(null, logger);
  const wiring = wireModules(
    {
      db: postgres,
      graph,
      redis: null,
      pubSub,
      feed: new ChangeFeed(postgres, pubSub, logger, config.changeFeed),
      relay: { wake: () => undefined, onAdvance: () => undefined },
      afterCommit: new AfterCommit(logger),
      settings: platformSettings(config, await resolveSuppressionPepper(config, logger)),
      logger,
    },
    loaderTuning(config.dataLoader),
  );
  return wiring.appliers;
}
