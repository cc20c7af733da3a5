import type { Backends } from '../backends.js';
import type { ExecutedStatement } from '../datasources/postgres.js';
import type { SettledTransaction } from '../datasources/neo4j.js';
import type { ExecutedCommand } from '../datasources/redis.js';
import type { GatewayMetrics } from './metrics.js';

/**
 * Times every store call through the events the datasources emit (each PostgreSQL statement,
 * Neo4j transaction and Redis command). Returns the function that stops listening, for
 * `app.stop()`: the backends outlive the app that observed them.
 */
export function observeStores(
  metrics: GatewayMetrics,
  backends: Pick<Backends, 'postgres' | 'graph' | 'redis'>,
): () => void {
  const onStatement = ({ durationMs, ok }: ExecutedStatement) =>
    metrics.observeStoreCall('postgres', durationMs, ok);
  const onTransaction = ({ durationMs, ok }: SettledTransaction) =>
    metrics.observeStoreCall('neo4j', durationMs, ok);
  const onCommand = ({ durationMs, ok }: ExecutedCommand) =>
    metrics.observeStoreCall('redis', durationMs, ok);
  backends.postgres.events.on('statement', onStatement);
  backends.graph.events.on('settled', onTransaction);
  backends.redis?.events.on('command', onCommand);
  return () => {
    backends.postgres.events.off('statement', onStatement);
    backends.graph.events.off('settled', onTransaction);
    backends.redis?.events.off('command', onCommand);
  };
}
