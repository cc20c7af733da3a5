import { outboxTopic } from '../../outbox/outbox.topic.js';

/**
 * A customer's answer for a purpose was recorded. Followers re-derive what depends on it
 * (preference vectors, cached recommendations) from PostgreSQL, so a repeat changes nothing.
 */
export const ConsentChanged = outboxTopic<{
  customerId: string;
  purpose: string;
  granted: boolean;
}>('consent.changed');
