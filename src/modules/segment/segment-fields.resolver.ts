import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';

import type { GraphQLContext } from '../../context.js';
import { ErrorCode, GatewayError } from '../../errors.js';
import { readAfter, toConnection } from '../../lib/connection.js';
import { assertPageSize } from '../../lib/ids.js';
import { customerRefResolver } from '../customer/customer-ref.resolver.js';
import { Customer } from '../customer/customer.type.js';
import { describe } from './rule/describe.js';
import { referencedSegments } from './rule/rule.js';
import type { SegmentDeps } from './segment.deps.js';
import { toSegment, toSegmentChange } from './segment.mapping.js';
import {
  Segment,
  SegmentChange,
  SegmentChangeConnection,
  SegmentEvaluation,
  SegmentMember,
  SegmentMemberConnection,
  SegmentMembership,
  SegmentSizeChange,
  SegmentSizePoint,
  SegmentVersion,
  SizeHistoryBucket,
} from './segment.type.js';

const DEFAULT_HISTORY_MS: Record<SizeHistoryBucket, number> = {
  [SizeHistoryBucket.MINUTE]: 6 * 3_600_000,
  [SizeHistoryBucket.HOUR]: 7 * 86_400_000,
  [SizeHistoryBucket.DAY]: 365 * 86_400_000,
};

@Resolver(() => Segment)
export class SegmentFieldsResolver {
  constructor(private readonly deps: SegmentDeps) {}

  @FieldResolver(() => String, {
    description: 'The rule in words, naming the segments it refers to by key.',
  })
  async ruleDescription(@Root() segment: Segment, @Ctx() ctx: GraphQLContext): Promise<string> {
    const referred = await ctx.loaders.segmentById.loadMany(referencedSegments(segment.rule));
    const keys = new Map(
      referred.flatMap((row) =>
        row !== null && !(row instanceof Error) ? [[row.id, row.key]] : [],
      ),
    );
    return describe(segment.rule, (id) => keys.get(id) ?? id);
  }

  @FieldResolver(() => SegmentMemberConnection, { description: 'Members, oldest entry first.' })
  async members(
    @Root() segment: Segment,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<SegmentMemberConnection> {
    assertPageSize(first);
    const position = readAfter(after, ([since, customerId]) =>
      typeof since === 'string' && typeof customerId === 'string' ? { since, customerId } : null,
    );
    const rows = await this.deps.reads.members(segment.id, position, first + 1);
    return {
      ...toConnection(rows, first, (r) => [r.since.toISOString(), r.customerId]),
      totalCount: segment.size,
    };
  }

  @FieldResolver(() => SegmentChangeConnection, {
    description:
      'Entries and exits, newest first; `after` takes a cursor from this connection (or from a subscription) and pages to older ones; `since` stops at changes made at or after that moment.',
  })
  async changes(
    @Root() segment: Segment,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('since', () => Date, { nullable: true }) since: Date | null,
  ): Promise<SegmentChangeConnection> {
    assertPageSize(first);
    const before = after == null ? null : feedCursor(after, 'after');
    const entries = await this.deps.feedStore.readBefore(
      before,
      { stream: 'segment', segmentIds: [segment.id] },
      first + 1,
      since,
    );
    const edges = entries.slice(0, first).map((entry) => ({
      cursor: entry.cursor,
      node: toSegmentChange(entry),
    }));
    return {
      edges,
      pageInfo: { hasNextPage: entries.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    };
  }

  @FieldResolver(() => [SegmentSizePoint], {
    description:
      'The size at the end of each period with changes (at most 1,000 periods), since `since` (default: 6 hours of minutes, 7 days of hours, a year of days).',
  })
  sizeHistory(
    @Root() segment: Segment,
    @Arg('bucket', () => SizeHistoryBucket, { defaultValue: SizeHistoryBucket.MINUTE })
    bucket: SizeHistoryBucket,
    @Arg('since', () => Date, { nullable: true }) since: Date | null,
  ): Promise<SegmentSizePoint[]> {
    return this.deps.reads.sizeHistory(
      segment.id,
      bucket,
      since ?? new Date(Date.now() - DEFAULT_HISTORY_MS[bucket]),
    );
  }

  @FieldResolver(() => SegmentEvaluation, {
    nullable: true,
    description:
      'The full evaluation under way (after a definition, or as time passes), on whichever instance runs it; null when none is.',
  })
  async evaluation(
    @Root() segment: Segment,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SegmentEvaluation | null> {
    const build = await ctx.loaders.segmentBuildById.load(segment.id);
    return build === null
      ? null
      : {
          version: build.version,
          evaluatedCustomers: build.evaluated,
          totalCustomers: build.total,
        };
  }

  @FieldResolver(() => [SegmentVersion], {
    description: 'Every version of the rule, newest first.',
  })
  versions(@Root() segment: Segment): Promise<SegmentVersion[]> {
    return this.deps.segments.versions(segment.id);
  }
}

@Resolver(() => SegmentChange)
export class SegmentChangeFieldsResolver {
  @FieldResolver(() => Segment, {
    nullable: true,
    description: 'Null once the segment is deleted.',
  })
  async segment(
    @Root() change: SegmentChange,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Segment | null> {
    const row = await ctx.loaders.segmentById.load(change.segmentId);
    return row === null ? null : toSegment(row);
  }
}

@Resolver(() => SegmentSizeChange)
export class SegmentSizeChangeFieldsResolver {
  @FieldResolver(() => Segment, { nullable: true })
  async segment(
    @Root() change: SegmentSizeChange,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Segment | null> {
    const row = await ctx.loaders.segmentById.load(change.segmentId);
    return row === null ? null : toSegment(row);
  }
}

export const SegmentChangeCustomerResolver = customerRefResolver(
  SegmentChange,
  'Null once merged away or erased.',
);

export const SegmentMemberCustomerResolver = customerRefResolver(SegmentMember, 'The member.');

@Resolver(() => SegmentMembership)
export class SegmentMembershipFieldsResolver {
  @FieldResolver(() => Segment)
  async segment(
    @Root() membership: SegmentMembership,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Segment> {
    return toSegment((await ctx.loaders.segmentById.load(membership.segmentId))!);
  }
}

@Resolver(() => Customer)
export class CustomerSegmentsResolver {
  @FieldResolver(() => [SegmentMembership], { description: 'The segments the customer is in now.' })
  segments(@Root() customer: Customer, @Ctx() ctx: GraphQLContext): Promise<SegmentMembership[]> {
    return ctx.loaders.segmentMembershipsByCustomerId.load(customer.id);
  }
}

/** A change-feed cursor: a decimal number, as every cursor of the feed is. */
export function feedCursor(value: string, argument: string): string {
  if (!/^\d{1,19}$/.test(value)) {
    throw new GatewayError(ErrorCode.BAD_USER_INPUT, `${argument} is not a change-feed cursor`, {
      extensions: { argument },
    });
  }
  return value.replace(/^0+(?=\d)/, '');
}
