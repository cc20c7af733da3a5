import { outboxTopic } from '../../outbox/outbox.topic.js';
import type { Relationship } from './relationship.kinds.js';

/** One customer–customer relationship, between two current (never merged) customer ids. */
export interface RelationshipPayload {
  type: Relationship;
  from: string;
  to: string;
}

export const RelationshipLinked = outboxTopic<RelationshipPayload>('graph.relationship.linked');
export const RelationshipUnlinked = outboxTopic<RelationshipPayload>('graph.relationship.unlinked');
