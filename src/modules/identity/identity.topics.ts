import { outboxTopic } from '../../outbox/outbox.topic.js';

/**
 * `mergedId` was folded into `survivorId` in PostgreSQL (identities, events and consent moved):
 * every store that keeps something per customer moves it to the survivor.
 */
export const CustomerMerged = outboxTopic<{ mergedId: string; survivorId: string }>(
  'graph.customer.merged',
);
