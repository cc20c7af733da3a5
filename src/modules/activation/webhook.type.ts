import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

import { JSONObject } from '../../graphql/json.scalar.js';
import { PageInfo } from '../../graphql/page-info.type.js';
import { Scope } from '../access/access.kinds.js';
import { RequireScope } from '../access/access.policy.js';
import { DeliveryOutcome, WebhookChange } from './webhook.kinds.js';

registerEnumType(WebhookChange, {
  name: 'WebhookChange',
  description: 'A segment membership change a webhook destination can receive.',
  valuesConfig: {
    ENTERED: { description: 'A customer entered the segment.' },
    EXITED: { description: 'A customer left the segment.' },
  },
});

registerEnumType(DeliveryOutcome, {
  name: 'WebhookDeliveryOutcome',
  description: 'How one delivery attempt ended.',
  valuesConfig: {
    DELIVERED: { description: 'The receiver answered 2xx.' },
    FAILED: { description: 'No 2xx answer; the batch is tried again later.' },
    DEAD_LETTERED: {
      description:
        'No 2xx answer on the last attempt (WEBHOOK_MAX_ATTEMPTS): the batch went to the dead-letter list and delivery moved on.',
    },
  },
});

@RequireScope(Scope.ADMIN)
@ObjectType({
  description:
    'An outside system that receives segment changes by signed HTTP POST (docs/activation.md). Needs the admin scope.',
})
export class WebhookDestination {
  @Field(() => ID, { description: 'Stable id.' })
  id!: string;

  @Field(() => String, { description: 'What the destination is, as its creator named it.' })
  name!: string;

  @Field(() => String, { description: 'Where batches are POSTed (http or https).' })
  url!: string;

  @Field(() => [ID], {
    nullable: true,
    description: 'The segments whose changes it receives; null means every segment.',
  })
  segmentIds!: string[] | null;

  @Field(() => [WebhookChange], { description: 'Which changes it receives.' })
  changes!: WebhookChange[];

  @Field(() => Boolean, { description: 'Whether changes are being delivered to it.' })
  active!: boolean;

  @Field(() => String, {
    description:
      'The change-feed cursor of the last change delivered or dead-lettered (a decimal string); a new destination starts at the feed’s head.',
  })
  cursor!: string;

  @Field(() => Int, {
    description: 'Failed attempts of the batch now being delivered; 0 when none is failing.',
  })
  attempts!: number;

  @Field(() => Date, { description: 'When the next attempt is due, if anything is waiting.' })
  nextAttemptAt!: Date;

  @Field(() => String, {
    nullable: true,
    description: 'Why the last attempt of the pending batch failed; null once one succeeds.',
  })
  lastError!: string | null;

  @Field(() => Date, { description: 'When it was created.' })
  createdAt!: Date;

  @Field(() => Date, { description: 'When it was last changed.' })
  updatedAt!: Date;
}

@RequireScope(Scope.ADMIN)
@ObjectType({
  description:
    'A destination and its signing secret, shown only this once: c360 cannot show it again, only rotate it.',
})
export class WebhookDestinationSecret {
  @Field(() => WebhookDestination, { description: 'The destination.' })
  destination!: WebhookDestination;

  @Field(() => String, {
    description:
      'Verifies the `C360-Signature` header of each request (HMAC-SHA256). Store it now.',
  })
  secret!: string;
}

@ObjectType({ description: 'One delivery attempt of a batch.' })
export class WebhookDelivery {
  @Field(() => ID, { description: 'Position in the log; later attempts have larger ids.' })
  id!: string;

  @Field(() => ID, {
    description:
      'The batch’s delivery id (the `C360-Delivery` header): the same on every attempt of a batch, so receivers de-duplicate on it.',
  })
  deliveryId!: string;

  @Field(() => String, { description: 'Cursor of the first change in the batch.' })
  firstCursor!: string;

  @Field(() => String, { description: 'Cursor of the last change in the batch.' })
  lastCursor!: string;

  @Field(() => Int, { description: 'Changes in the batch.' })
  changeCount!: number;

  @Field(() => Int, { description: 'Which attempt of the batch this was, from 1.' })
  attempt!: number;

  @Field(() => DeliveryOutcome, { description: 'How it ended.' })
  outcome!: DeliveryOutcome;

  @Field(() => Int, { nullable: true, description: 'The HTTP status; null when none came.' })
  httpStatus!: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'Why it failed (status and the start of the answer, or the network error).',
  })
  error!: string | null;

  @Field(() => Int, { description: 'How long the request took, in milliseconds.' })
  durationMs!: number;

  @Field(() => Date, { description: 'When it ended.' })
  at!: Date;
}

@ObjectType({ description: 'A batch given up on after its last attempt.' })
export class WebhookDeadLetter {
  @Field(() => ID, { description: 'Pass to redeliverDeadLetter.' })
  id!: string;

  @Field(() => ID, { description: 'The batch’s delivery id, kept on redelivery.' })
  deliveryId!: string;

  @Field(() => String, { description: 'Cursor of the first change in the batch.' })
  firstCursor!: string;

  @Field(() => String, { description: 'Cursor of the last change in the batch.' })
  lastCursor!: string;

  @Field(() => Int, { description: 'Changes in the batch.' })
  changeCount!: number;

  @Field(() => JSONObject, { description: 'The request body, as it was sent.' })
  body!: Record<string, unknown>;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed.' })
  lastError!: string | null;

  @Field(() => Int, { description: 'Attempts made, redeliveries included.' })
  attempts!: number;

  @Field(() => Date, { description: 'When it was given up on.' })
  createdAt!: Date;

  @Field(() => Date, {
    nullable: true,
    description: 'When a redelivery succeeded; null while it has not.',
  })
  redeliveredAt!: Date | null;
}

@ObjectType({ description: 'A delivery attempt and its cursor.' })
export class WebhookDeliveryEdge {
  @Field(() => String, { description: 'Pass as `after` to continue after this attempt.' })
  cursor!: string;

  @Field(() => WebhookDelivery, { description: 'The attempt.' })
  node!: WebhookDelivery;
}

@ObjectType({ description: 'A page of a destination’s delivery attempts, newest first.' })
export class WebhookDeliveryConnection {
  @Field(() => [WebhookDeliveryEdge], { description: 'The attempts of this page.' })
  edges!: WebhookDeliveryEdge[];

  @Field(() => PageInfo, { description: 'Whether more attempts follow.' })
  pageInfo!: PageInfo;
}

@ObjectType({ description: 'A dead letter and its cursor.' })
export class WebhookDeadLetterEdge {
  @Field(() => String, { description: 'Pass as `after` to continue after this dead letter.' })
  cursor!: string;

  @Field(() => WebhookDeadLetter, { description: 'The dead letter.' })
  node!: WebhookDeadLetter;
}

@ObjectType({ description: 'A page of a destination’s dead letters, newest first.' })
export class WebhookDeadLetterConnection {
  @Field(() => [WebhookDeadLetterEdge], { description: 'The dead letters of this page.' })
  edges!: WebhookDeadLetterEdge[];

  @Field(() => PageInfo, { description: 'Whether more dead letters follow.' })
  pageInfo!: PageInfo;
}

@RequireScope(Scope.ADMIN)
@ObjectType({ description: 'What a redelivery of a dead letter did.' })
export class WebhookRedelivery {
  @Field(() => Boolean, { description: 'Whether the receiver answered 2xx this time.' })
  delivered!: boolean;

  @Field(() => WebhookDelivery, { description: 'The attempt, as logged.' })
  delivery!: WebhookDelivery;

  @Field(() => WebhookDeadLetter, { description: 'The dead letter, updated.' })
  deadLetter!: WebhookDeadLetter;
}
