import type { Queryable } from '../../datasources/postgres.js';
import type { OutboxMessage } from '../../outbox/outbox.store.js';
import { recountInteractions } from '../catalog/interaction.service.js';
import { type MergeCause, MergeStore } from './merge.store.js';

/**
 * Merges `mergedId` into `survivorId` in PostgreSQL and returns the outbox messages that bring
 * the graph along, in order: the node merge, then the survivor's interaction figures
 * recounted from the events it now holds. The relay moves edges without adding counts up
 * (it keeps the larger), so the recount is what makes the totals right, whichever of the two
 * messages a relay applies first. Run inside the caller's transaction.
 */
export async function mergeCustomerInto(
  tx: Queryable,
  mergedId: string,
  survivorId: string,
  cause: MergeCause,
): Promise<OutboxMessage[]> {
  await new MergeStore(tx).merge(mergedId, survivorId, cause);
  return [
    { topic: 'graph.customer.merged', payload: { mergedId, survivorId } },
    ...(await recountInteractions(tx, survivorId)),
  ];
}
