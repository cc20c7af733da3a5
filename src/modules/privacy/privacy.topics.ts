import { outboxTopic } from '../../outbox/outbox.topic.js';

/** A customer was erased from PostgreSQL: every other store forgets them too. */
export const CustomerErased = outboxTopic<{ id: string }>('graph.customer.erased');
