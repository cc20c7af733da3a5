import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

import { JSONValue } from '../../graphql/json.scalar.js';
import { PageInfo } from '../../graphql/page-info.type.js';
import { CustomerData, PersonalData } from '../access/access.policy.js';
import type { Rule } from './rule/rule.js';
import { SegmentTemplateName } from './rule/templates.js';

export enum SegmentStatus {
  BUILDING = 'building',
  READY = 'ready',
}

export enum MembershipChange {
  ENTERED = 'ENTERED',
  EXITED = 'EXITED',
}

export enum SizeHistoryBucket {
  MINUTE = 'minute',
  HOUR = 'hour',
  DAY = 'day',
}

registerEnumType(SegmentStatus, {
  name: 'SegmentStatus',
  description:
    'BUILDING: the current rule version is being evaluated over every customer (members so far are listed). READY: evaluated in full; kept current as customers change.',
});
registerEnumType(MembershipChange, { name: 'MembershipChange' });
registerEnumType(SizeHistoryBucket, { name: 'SizeHistoryBucket' });
registerEnumType(SegmentTemplateName, {
  name: 'SegmentTemplateName',
  description: 'Built-in rules for the usual triggers; see `segmentTemplates` for each one.',
});

@ObjectType({ description: 'How far a full evaluation has come.' })
export class SegmentEvaluation {
  @Field(() => Int)
  version!: number;

  @Field(() => Int)
  evaluatedCustomers!: number;

  @Field(() => Int)
  totalCustomers!: number;
}

@ObjectType({
  description:
    'A live segment: a rule over traits, events, the graph and vectors, whose members are kept current as customers change; every entry and exit goes to the change feed.',
})
export class Segment {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'A stable, URL-safe name (a-z, 0-9, _ and -).' })
  key!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => JSONValue, {
    description:
      'The stored rule of the current version (the normalised tree `defineSegment` made).',
  })
  rule!: Rule;

  @Field(() => Int, { description: 'Grows by one each time the rule changes.' })
  version!: number;

  @Field(() => SegmentStatus)
  status!: SegmentStatus;

  @Field(() => Int, { description: 'Members now.' })
  size!: number;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

@ObjectType({ description: 'One condition of the rule, before and after the change.' })
export class SegmentConditionChange {
  customerId!: string;

  @Field(() => String, { description: 'Where it sits in the rule, e.g. `all[1].event`.' })
  path!: string;

  @PersonalData('opaque')
  @Field(() => String)
  description!: string;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Its value before; null when not known (the customer was not a member).',
  })
  was!: boolean | null;

  @Field(() => Boolean)
  now!: boolean;
}

@ObjectType({ description: 'Why a customer entered or left.' })
export class SegmentChangeReason {
  customerId!: string;

  @PersonalData('opaque')
  @Field(() => String, { description: 'One sentence: the change, what caused it, the conditions.' })
  summary!: string;

  @Field(() => String, {
    description: 'What made c360 look again: events, a profile change, time passing...',
  })
  trigger!: string;

  @Field(() => Int)
  ruleVersion!: number;

  @Field(() => [SegmentConditionChange], {
    description:
      'The conditions that flipped (leaving), or that the trigger moved (entering; every condition when the segment was defined).',
  })
  conditions!: SegmentConditionChange[];
}

@CustomerData()
@ObjectType({ description: 'A customer entering or leaving a segment, from the change feed.' })
export class SegmentChange {
  @Field(() => String, {
    description:
      'Its place in the change feed: pass it as `afterCursor` to resume a subscription from here, or `after` to page.',
  })
  cursor!: string;

  @Field(() => ID)
  segmentId!: string;

  @Field(() => ID)
  customerId!: string;

  @Field(() => MembershipChange)
  change!: MembershipChange;

  @Field(() => Date)
  at!: Date;

  @Field(() => Int, { description: 'The segment’s size once this change applied.' })
  sizeAfter!: number;

  @Field(() => SegmentChangeReason)
  reason!: SegmentChangeReason;
}

@ObjectType()
export class SegmentChangeEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => SegmentChange)
  node!: SegmentChange;
}

@ObjectType({ description: 'Changes, newest first.' })
export class SegmentChangeConnection {
  @Field(() => [SegmentChangeEdge])
  edges!: SegmentChangeEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@CustomerData()
@ObjectType({ description: 'A member of a segment.' })
export class SegmentMember {
  @Field(() => ID)
  customerId!: string;

  @Field(() => Date, { description: 'When they entered (this time).' })
  since!: Date;
}

@ObjectType()
export class SegmentMemberEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => SegmentMember)
  node!: SegmentMember;
}

@ObjectType({ description: 'Members, in the order they entered (oldest first).' })
export class SegmentMemberConnection {
  @Field(() => [SegmentMemberEdge])
  edges!: SegmentMemberEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}

@ObjectType({ description: 'The size at the end of a period.' })
export class SegmentSizePoint {
  @Field(() => Date, { description: 'The start of the period.' })
  at!: Date;

  @Field(() => Int)
  size!: number;
}

@ObjectType({ description: 'A segment’s size moved (for dashboards).' })
export class SegmentSizeChange {
  @Field(() => ID)
  segmentId!: string;

  @Field(() => Int)
  size!: number;

  @Field(() => Date)
  at!: Date;

  @Field(() => String, { description: 'The change-feed cursor of the change that moved it.' })
  cursor!: string;
}

@CustomerData()
@ObjectType({ description: 'A segment a customer is in.' })
export class SegmentMembership {
  customerId!: string;

  @Field(() => ID)
  segmentId!: string;

  @Field(() => Date)
  since!: Date;
}

@ObjectType({ description: 'What a rule would select now, without saving it.' })
export class SegmentPreview {
  @Field(() => Int)
  size!: number;

  @Field(() => Int, { description: 'Customers evaluated.' })
  evaluated!: number;

  @Field(() => [ID], { description: 'Up to `sampleSize` members, for a look at who they are.' })
  sampleIds!: string[];
}

@ObjectType({ description: 'A built-in rule for a usual trigger.' })
export class SegmentTemplate {
  @Field(() => SegmentTemplateName)
  name!: SegmentTemplateName;

  @Field(() => String)
  description!: string;

  @Field(() => Boolean)
  needsCategory!: boolean;

  @Field(() => Int)
  defaultDays!: number;

  @Field(() => JSONValue, { description: 'The rule it stands for with its default parameters.' })
  rule!: Rule;
}

@ObjectType({ description: 'A past version of a segment’s rule.' })
export class SegmentVersion {
  @Field(() => Int)
  version!: number;

  @Field(() => JSONValue)
  rule!: Rule;

  @Field(() => Date)
  createdAt!: Date;
}
