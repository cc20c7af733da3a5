import type { Queryable } from '../../datasources/postgres.js';
import type { OutboxMessage } from '../../outbox/outbox.topic.js';
import { CustomerMerged } from './identity.topics.js';
import { type MergeCause, MergeStore } from './merge.store.js';

/**
 * Merges `mergedId` into `survivorId` in PostgreSQL and returns the outbox message that makes
 * every other store follow (the graph moves edges and recounts; see docs/events.md). Run
 * inside the caller's transaction.
 */
export async function mergeCustomerInto(
  tx: Queryable,
  mergedId: string,
  survivorId: string,
  cause: MergeCause,
): Promise<OutboxMessage[]> {
  await new MergeStore(tx).merge(mergedId, survivorId, cause);
  return [CustomerMerged.message({ mergedId, survivorId })];
}
