import { Field, Float, ID, InputType, Int, registerEnumType } from 'type-graphql';

import { JSONValue } from '../../graphql/json.scalar.js';
import { ConsentPurpose } from '../consent/consent.kinds.js';
import { IdentityType } from '../identity/identity.kinds.js';
import { Relationship } from '../relationship/relationship.kinds.js';

/*
 * A segment rule as GraphQL input: a tree in which every node sets exactly one field (a
 * combinator or a condition). GraphQL has no input unions, so from-input.ts checks the "one
 * field" rule and every bound, and turns the tree into the stored Rule.
 */

export enum ValueOperator {
  EQUALS = 'equals',
  NOT_EQUALS = 'notEquals',
  GREATER_THAN = 'greaterThan',
  GREATER_OR_EQUAL = 'greaterOrEqual',
  LESS_THAN = 'lessThan',
  LESS_OR_EQUAL = 'lessOrEqual',
  IN = 'in',
  CONTAINS = 'contains',
  EXISTS = 'exists',
  NOT_EXISTS = 'notExists',
}

export enum NumberOperator {
  EQUALS = 'equals',
  NOT_EQUALS = 'notEquals',
  GREATER_THAN = 'greaterThan',
  GREATER_OR_EQUAL = 'greaterOrEqual',
  LESS_THAN = 'lessThan',
  LESS_OR_EQUAL = 'lessOrEqual',
}

export enum EventAggregate {
  COUNT = 'count',
  SUM = 'sum',
  AVERAGE = 'average',
  FIRST = 'first',
  LAST = 'last',
  DAYS_SINCE_FIRST = 'daysSinceFirst',
  DAYS_SINCE_LAST = 'daysSinceLast',
}

export enum TimeUnit {
  MINUTES = 1,
  HOURS = 60,
  DAYS = 1440,
}

export enum RelationshipDirection {
  OUTGOING = 'outgoing',
  INCOMING = 'incoming',
  EITHER = 'either',
}

export enum PredictionMeasure {
  CHURN_RISK = 'churnRisk',
  P_ALIVE = 'pAlive',
  CLV = 'clv',
  RFM_RECENCY = 'rfmRecency',
  RFM_FREQUENCY = 'rfmFrequency',
  RFM_MONETARY = 'rfmMonetary',
}

export enum CampaignRelation {
  TARGETED = 'targeted',
  RESPONDED = 'responded',
}

registerEnumType(ValueOperator, {
  name: 'ValueOperator',
  description:
    'Compares a JSON value: numbers as numbers, text as text (ISO dates order correctly). CONTAINS: a list holds the value, or a text holds it (case-insensitive). EXISTS / NOT_EXISTS take no value; IN takes `values`.',
});
registerEnumType(NumberOperator, { name: 'NumberOperator' });
registerEnumType(EventAggregate, {
  name: 'EventAggregate',
  description:
    'COUNT of the matching events; SUM / AVERAGE of their numeric `property`; FIRST / LAST: that property on the earliest / latest one; DAYS_SINCE_FIRST / DAYS_SINCE_LAST: days since the earliest / latest one.',
});
registerEnumType(TimeUnit, { name: 'TimeUnit' });
registerEnumType(RelationshipDirection, {
  name: 'RelationshipDirection',
  description:
    'For directed types (PARENT_OF, REFERRED): OUTGOING means the customer is the parent / referrer. Undirected types ignore it.',
});
registerEnumType(CampaignRelation, { name: 'CampaignRelation' });
registerEnumType(PredictionMeasure, {
  name: 'PredictionMeasure',
  description: 'A predictive trait of `Customer.predictions` (RFM_*: the 1–5 scores).',
});

@InputType({ description: 'An amount of time.' })
export class DurationInput {
  @Field(() => Int)
  value!: number;

  @Field(() => TimeUnit)
  unit!: TimeUnit;
}

@InputType({
  description:
    'When events count: the last `last` `unit`s before the moment of evaluation (members leave as it moves on), or the fixed period [from, to). Up to 5 years.',
})
export class WindowInput {
  @Field(() => Int, { nullable: true })
  last?: number | null;

  @Field(() => TimeUnit, { nullable: true, defaultValue: TimeUnit.DAYS })
  unit?: TimeUnit | null;

  @Field(() => Date, { nullable: true })
  from?: Date | null;

  @Field(() => Date, { nullable: true })
  to?: Date | null;
}

@InputType({ description: 'A test of one key of a JSON object (traits, event properties).' })
export class ValueConditionInput {
  @Field(() => String)
  key!: string;

  @Field(() => ValueOperator)
  op!: ValueOperator;

  @Field(() => JSONValue, { nullable: true })
  value?: unknown;

  @Field(() => [JSONValue], { nullable: true })
  values?: unknown[] | null;
}

@InputType()
export class IdentityConditionInput {
  @Field(() => IdentityType)
  type!: IdentityType;

  @Field(() => String, { nullable: true, description: 'The kind, when `type` is CUSTOM.' })
  customType?: string | null;
}

@InputType()
export class ConsentConditionInput {
  @Field(() => ConsentPurpose)
  purpose!: ConsentPurpose;

  @Field(() => Boolean, { defaultValue: true })
  granted!: boolean;
}

@InputType({
  description:
    'An aggregate of the customer’s events of a type and/or name, filtered by properties, within a window, compared with `value`. A condition without a type or name needs a window of at most 90 days.',
})
export class EventConditionInput {
  @Field(() => String, { nullable: true })
  type?: string | null;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => [ValueConditionInput], { nullable: true })
  where?: ValueConditionInput[] | null;

  @Field(() => EventAggregate, { defaultValue: EventAggregate.COUNT })
  aggregate!: EventAggregate;

  @Field(() => String, { nullable: true, description: 'For SUM, AVERAGE, FIRST and LAST.' })
  property?: string | null;

  @Field(() => NumberOperator, { defaultValue: NumberOperator.GREATER_OR_EQUAL })
  op!: NumberOperator;

  @Field(() => Float, { defaultValue: 1 })
  value!: number;

  @Field(() => WindowInput, { nullable: true })
  window?: WindowInput | null;
}

@InputType({
  description:
    'An event of `type` at least `olderThan` ago (and within `within`) not followed by any `followedBy` event: e.g. cart_add without a purchase.',
})
export class FollowUpMissingConditionInput {
  @Field(() => String)
  type!: string;

  @Field(() => String)
  followedBy!: string;

  @Field(() => DurationInput)
  olderThan!: DurationInput;

  @Field(() => DurationInput)
  within!: DurationInput;
}

@InputType({
  description:
    'At least `minCount` events of `types` about products (in `category`; only new arrivals or products back in stock when asked).',
})
export class ProductInteractionConditionInput {
  @Field(() => [String], { defaultValue: ['purchase'] })
  types!: string[];

  @Field(() => String, { nullable: true })
  category?: string | null;

  @Field(() => Int, { nullable: true, description: 'Only products created in the last N days.' })
  newArrivalDays?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Only products back in stock within the last N days.',
  })
  restockedDays?: number | null;

  @Field(() => Int, { defaultValue: 1 })
  minCount!: number;

  @Field(() => WindowInput, { nullable: true })
  window?: WindowInput | null;
}

@InputType({
  description:
    'Has a relationship of `type` to a customer who matches `to` (any relative when absent), e.g. a family member in another segment.',
})
export class RelationshipConditionInput {
  @Field(() => Relationship)
  type!: Relationship;

  @Field(() => RelationshipDirection, { defaultValue: RelationshipDirection.OUTGOING })
  direction!: RelationshipDirection;

  @Field(() => SegmentRuleInput, { nullable: true })
  to?: SegmentRuleInput | null;
}

@InputType()
export class CampaignConditionInput {
  @Field(() => ID)
  campaignId!: string;

  @Field(() => CampaignRelation, { defaultValue: CampaignRelation.RESPONDED })
  relation!: CampaignRelation;

  @Field(() => WindowInput, { nullable: true, description: 'For RESPONDED only.' })
  window?: WindowInput | null;
}

@InputType({
  description:
    'The customer’s preference vector within `maxDistance` (cosine, 0–2) of a customer’s or a product’s vector (set exactly one).',
})
export class SimilarityConditionInput {
  @Field(() => ID, { nullable: true })
  customerId?: string | null;

  @Field(() => ID, { nullable: true })
  productId?: string | null;

  @Field(() => Float)
  maxDistance!: number;
}

@InputType({ description: 'A member of another segment (for at least / at most a time).' })
export class InSegmentConditionInput {
  @Field(() => ID)
  segmentId!: string;

  @Field(() => DurationInput, { nullable: true, description: 'Entered more than this ago.' })
  enteredMoreThan?: DurationInput | null;

  @Field(() => DurationInput, { nullable: true, description: 'Entered less than this ago.' })
  enteredLessThan?: DurationInput | null;
}

@InputType({
  description:
    'A predictive trait compared with a value, e.g. churnRisk > 0.7 (customers with no prediction never match).',
})
export class PredictionConditionInput {
  @Field(() => PredictionMeasure)
  measure!: PredictionMeasure;

  @Field(() => NumberOperator)
  op!: NumberOperator;

  @Field(() => Float)
  value!: number;
}

@InputType({
  description:
    'A segment rule: set exactly one field. `and` / `or` / `not` combine rules; the others are conditions.',
})
export class SegmentRuleInput {
  @Field(() => [SegmentRuleInput], { nullable: true })
  and?: SegmentRuleInput[] | null;

  @Field(() => [SegmentRuleInput], { nullable: true })
  or?: SegmentRuleInput[] | null;

  @Field(() => SegmentRuleInput, { nullable: true })
  not?: SegmentRuleInput | null;

  @Field(() => ValueConditionInput, { nullable: true, description: 'A profile trait.' })
  trait?: ValueConditionInput | null;

  @Field(() => IdentityConditionInput, { nullable: true })
  identity?: IdentityConditionInput | null;

  @Field(() => ConsentConditionInput, { nullable: true })
  consent?: ConsentConditionInput | null;

  @Field(() => EventConditionInput, { nullable: true })
  event?: EventConditionInput | null;

  @Field(() => FollowUpMissingConditionInput, { nullable: true })
  followUpMissing?: FollowUpMissingConditionInput | null;

  @Field(() => ProductInteractionConditionInput, { nullable: true })
  productInteraction?: ProductInteractionConditionInput | null;

  @Field(() => RelationshipConditionInput, { nullable: true })
  relationship?: RelationshipConditionInput | null;

  @Field(() => CampaignConditionInput, { nullable: true })
  campaign?: CampaignConditionInput | null;

  @Field(() => SimilarityConditionInput, { nullable: true })
  similarTo?: SimilarityConditionInput | null;

  @Field(() => InSegmentConditionInput, { nullable: true })
  inSegment?: InSegmentConditionInput | null;

  @Field(() => PredictionConditionInput, { nullable: true })
  prediction?: PredictionConditionInput | null;
}
