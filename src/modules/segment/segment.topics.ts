import { outboxTopic } from '../../outbox/outbox.topic.js';

/**
 * Customers entered or left a segment evaluated in the segments lane, and segments evaluated
 * in main (those reading the graph) refer to it: written in the transaction of those changes,
 * so main evaluates what they ripple to with the graph in line, and never misses it (a ripple
 * run in the segments lane itself would read the graph before main has written it, or fail
 * while Neo4j is away and be forgotten by the retry, which sees nothing move any more).
 */
export const SegmentMembershipsMoved = outboxTopic<{
  segmentId: string;
  customerIds: string[];
}>('segments.memberships.moved');
