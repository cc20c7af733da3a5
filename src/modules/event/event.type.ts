import { JSONObject } from '../../graphql/json.scalar.js';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

import { ItemError } from '../../graphql/bulk.type.js';
import { PageInfo } from '../../graphql/page-info.type.js';
import { EventType } from './event.kinds.js';
import { ItemStatus } from '../../graphql/bulk.kinds.js';
import { CustomerData, PersonalData } from '../access/access.policy.js';

registerEnumType(EventType, { name: 'EventType', description: 'The kind of behavioural event.' });

@CustomerData()
@ObjectType({ description: 'One behavioural event in a customer’s timeline.' })
export class Event {
  @Field(() => ID, { description: 'c360’s id of the stored event.' })
  id!: string;

  @PersonalData('opaque')
  @Field(() => String, {
    description:
      'The client’s message id; stored at most once. Without READ_PII, masked when it looks personal (an e-mail address, a phone number...).',
  })
  messageId!: string;

  @Field(() => EventType, { description: 'What kind of event this is.' })
  type!: EventType;

  @PersonalData('opaque')
  @Field(() => String, {
    nullable: true,
    description:
      'A name within the type (page name, custom event name). Without READ_PII, masked when it looks personal.',
  })
  name!: string | null;

  @PersonalData('json')
  @Field(() => JSONObject, {
    description:
      'Free-form properties sent with the event. Without READ_PII only the keys declared non-personal (NON_PERSONAL_KEYS) keep their values, and those only when they do not look personal; the rest read `•••`.',
  })
  properties!: Record<string, unknown>;

  @Field(() => Date, { description: 'When it happened, as the client says.' })
  occurredAt!: Date;

  @Field(() => Date, { description: 'When c360 stored it.' })
  receivedAt!: Date;

  @PersonalData('opaque')
  @Field(() => String, {
    nullable: true,
    description:
      'The client’s session id, when sent. Without READ_PII, masked when it looks personal.',
  })
  sessionId!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The channel it happened on (lower-case), when sent.',
  })
  channel!: string | null;

  customerId!: string;
  /** Keyset position (occurred_at in µs, id) for cursors; not a GraphQL field. */
  cursorKey!: [string, string];
}

@ObjectType({ description: 'An event and its cursor.' })
export class EventEdge {
  @Field(() => String, { description: 'Pass as `after` to continue after this event.' })
  cursor!: string;

  @Field(() => Event, { description: 'The event.' })
  node!: Event;
}

@ObjectType({ description: 'A page of a customer’s events, newest first.' })
export class EventConnection {
  @Field(() => [EventEdge], { description: 'The events of this page.' })
  edges!: EventEdge[];

  @Field(() => PageInfo, { description: 'Whether more events follow.' })
  pageInfo!: PageInfo;
}

@ObjectType({ description: 'The outcome of tracking one event.' })
export class TrackResult {
  @Field(() => Int, { description: 'Position of the event in the request (0 for `track`).' })
  index!: number;

  @Field(() => String, { description: 'The message id the client sent.' })
  messageId!: string;

  @Field(() => ItemStatus, {
    description:
      'CREATED (stored now), UNCHANGED (this message id was stored before), or REJECTED.',
  })
  status!: ItemStatus;

  @Field(() => ID, {
    nullable: true,
    description: 'The customer the event belongs to (created for a new identity).',
  })
  customerId!: string | null;

  @Field(() => ItemError, { nullable: true, description: 'Why the event was rejected.' })
  error!: ItemError | null;
}

@ObjectType({
  description: 'The outcome of a batch: counts and one result per event, in request order.',
})
export class TrackBatchResult {
  @Field(() => Int, { description: 'Events stored now (status CREATED).' })
  created!: number;

  @Field(() => Int, {
    description: 'Events whose message id was already stored (status UNCHANGED).',
  })
  unchanged!: number;

  @Field(() => Int, { description: 'Events not stored.' })
  rejected!: number;

  @Field(() => [TrackResult], { description: 'One result per event, in request order.' })
  results!: TrackResult[];
}
