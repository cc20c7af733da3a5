import { outboxTopic } from '../../outbox/outbox.topic.js';

/** A customer was created or renamed: the graph keeps one Customer node per customer. */
export const CustomerUpserted = outboxTopic<{ id: string; displayName: string }>(
  'graph.customer.upserted',
);
