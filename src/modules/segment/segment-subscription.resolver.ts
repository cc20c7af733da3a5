import { Args, ArgsType, Field, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';

import type { FeedEntry } from '../../changefeed/change-feed.store.js';
import type { GraphQLContext } from '../../context.js';
import { ErrorCode, GatewayError } from '../../errors.js';
import { assertUuid } from '../../lib/ids.js';
import { feedCursor } from './segment-fields.resolver.js';
import { toSegmentChange, toSizeChange } from './segment.mapping.js';
import { SegmentChange, SegmentSizeChange } from './segment.type.js';

const MAX_SEGMENT_IDS = 100;

@ArgsType()
class MembershipChangedArgs {
  @Field(() => [ID], { nullable: true, description: 'Only these segments (all when absent).' })
  segmentIds?: string[] | null;

  @Field(() => ID, { nullable: true, description: 'Only this customer.' })
  customerId?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Resume: first every change after this cursor (from the durable change feed), then live ones; each once, in order.',
  })
  afterCursor?: string | null;
}

@ArgsType()
class SizeChangedArgs {
  @Field(() => [ID], { nullable: true, description: 'Only these segments (all when absent).' })
  segmentIds?: string[] | null;
}

type Data<A> = SubscribeResolverData<unknown, A, GraphQLContext>;

function segmentIdsOf(ids: readonly string[] | null | undefined): string[] | null {
  if (ids == null) {
    return null;
  }
  if (ids.length > MAX_SEGMENT_IDS) {
    throw new GatewayError(ErrorCode.BAD_USER_INPUT, `at most ${MAX_SEGMENT_IDS} segmentIds`, {
      extensions: { argument: 'segmentIds' },
    });
  }
  return ids.map((id) => assertUuid(id, 'segmentIds').toLowerCase());
}

/**
 * Live segment changes from the durable change feed (not bare pub/sub): what a client missed
 * while away is replayed from PostgreSQL when it resumes with `afterCursor`.
 */
@Resolver()
export class SegmentSubscriptionResolver {
  @Subscription(() => SegmentChange, {
    description:
      'Customers entering and leaving segments, with why, as they happen, on every gateway instance. Reconnect with `afterCursor` (the last `cursor` received) to get what was missed first: at least once, in order.',
    subscribe: ({ args, context }: Data<MembershipChangedArgs>) =>
      context.feed.listen(
        {
          stream: 'segment',
          segmentIds: segmentIdsOf(args.segmentIds),
          customerId:
            args.customerId == null
              ? null
              : assertUuid(args.customerId, 'customerId').toLowerCase(),
        },
        args.afterCursor == null ? null : feedCursor(args.afterCursor, 'afterCursor'),
      ),
  })
  segmentMembershipChanged(
    @Root() entry: FeedEntry,
    @Args(() => MembershipChangedArgs) _args: MembershipChangedArgs,
  ): SegmentChange {
    return toSegmentChange(entry);
  }

  @Subscription(() => SegmentSizeChange, {
    description: 'Each change of a segment’s size, for dashboards.',
    subscribe: ({ args, context }: Data<SizeChangedArgs>) =>
      context.feed.listen({ stream: 'segment', segmentIds: segmentIdsOf(args.segmentIds) }, null),
  })
  segmentSizeChanged(
    @Root() entry: FeedEntry,
    @Args(() => SizeChangedArgs) _args: SizeChangedArgs,
  ): SegmentSizeChange {
    return toSizeChange(entry);
  }
}
