import { outboxTopic } from '../../outbox/outbox.topic.js';

/**
 * A customer was erased from PostgreSQL: every other store forgets them too. `relatives`: who
 * was related to them (their links went with them), for what reads relationships; absent in
 * messages of releases before it was added.
 */
export const CustomerErased = outboxTopic<{ id: string; relatives?: string[] }>(
  'graph.customer.erased',
);
