import type { Queryable } from '../../datasources/postgres.js';
import type { OutboxMessage } from '../../outbox/outbox.topic.js';
import { CustomerMerged } from './identity.topics.js';
import { type MergeCause, type MergeProvenance, MergeStore } from './merge.store.js';

/**
 * Merges `mergedId` into `survivorId` in PostgreSQL and returns the outbox message that makes
 * every other store follow (the graph moves edges and recounts; see docs/events.md). Run
 * inside the caller's transaction.
 */
export async function mergeCustomerInto(
  tx: Queryable,
  mergedId: string,
  survivorId: string,
  cause: MergeCause | MergeProvenance,
): Promise<OutboxMessage[]> {
  return (await recordedMerge(tx, mergedId, survivorId, cause)).messages;
}

/** As mergeCustomerInto, also returning the id of the merge record (for unmergeCustomers). */
export async function recordedMerge(
  tx: Queryable,
  mergedId: string,
  survivorId: string,
  provenance: MergeCause | MergeProvenance,
): Promise<{ mergeId: string; messages: OutboxMessage[] }> {
  const mergeId = await new MergeStore(tx).merge(mergedId, survivorId, provenance);
  return { mergeId, messages: [CustomerMerged.message({ mergedId, survivorId, mergeId })] };
}
