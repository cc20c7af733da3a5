import { outboxTopic } from '../../outbox/outbox.topic.js';

/**
 * Events were stored (never duplicates): followers derive what they keep from the events
 * table itself, so a message applied twice, or late, changes nothing.
 */
export const EventsAccepted = outboxTopic<{ messageIds: string[] }>('events.accepted');
