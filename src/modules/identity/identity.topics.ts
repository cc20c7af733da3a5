import { outboxTopic } from '../../outbox/outbox.topic.js';

/**
 * `mergedId` was folded into `survivorId` in PostgreSQL (identities, events and consent moved):
 * every store that keeps something per customer moves it to the survivor. `mergeId` names the
 * merge record (absent on messages written before merges were recorded).
 */
export const CustomerMerged = outboxTopic<{
  mergedId: string;
  survivorId: string;
  mergeId?: string;
}>('graph.customer.merged');

/**
 * A merge was undone in PostgreSQL: `restoredId` exists again with its own identities, events
 * and consents. Its node, relationships and catalog edges come back through the ordinary
 * topics written with it (graph.customer.upserted, graph.relationship.linked/unlinked, events.accepted);
 * this one tells followers that keep something per customer (predictions, segments) to look
 * at both customers again.
 */
export const CustomerUnmerged = outboxTopic<{
  mergeId: string;
  restoredId: string;
  survivorId: string;
}>('customer.unmerged');
