import { Args, ArgsType, Ctx, Field, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';

import type { FeedEntry } from '../../changefeed/change-feed.store.js';
import type { GraphQLContext } from '../../context.js';
import { ErrorCode, GatewayError } from '../../errors.js';
import { assertUuid } from '../../lib/ids.js';
import { clearLoaders } from '../../lib/loaders.js';
import { customerRefResolver } from '../customer/customer-ref.resolver.js';
import { type CustomerChangeKind } from './customer-change.kinds.js';
import { CustomerUpdated } from './customer-updated.type.js';

@ArgsType()
class CustomerUpdatedArgs {
  @Field(() => ID, { nullable: true, description: 'Only this customer.' })
  id?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Resume: first every change after this cursor (from the durable change feed), then live ones; each once, in order.',
  })
  afterCursor?: string | null;
}

@Resolver(() => CustomerUpdated)
export class CustomerUpdatedResolver {
  @Subscription(() => CustomerUpdated, {
    description:
      'Every change to customers (profile, events, identities, consent, relationships, campaigns, merges, erasure), or only to the customer with `id`, on every gateway instance. Reconnect with `afterCursor` to get what was missed first.',
    subscribe: ({
      args,
      context,
    }: SubscribeResolverData<unknown, CustomerUpdatedArgs, GraphQLContext>) =>
      context.feed.listen(
        {
          stream: 'customer',
          customerId: args.id == null ? null : assertUuid(args.id, 'id').toLowerCase(),
        },
        args.afterCursor == null ? null : cursorOf(args.afterCursor),
      ),
  })
  customerUpdated(
    @Root() entry: FeedEntry,
    @Args(() => CustomerUpdatedArgs) _args: CustomerUpdatedArgs,
    @Ctx() ctx: GraphQLContext,
  ): CustomerUpdated {
    // A subscription keeps one context for its whole life; drop rows cached by earlier events.
    clearLoaders(ctx.loaders);
    const reason = (entry.reason ?? {}) as { intoCustomerId?: string };
    return {
      customerId: entry.customerId,
      updatedAt: entry.at,
      change: entry.change as CustomerChangeKind,
      intoCustomerId: reason.intoCustomerId ?? null,
      cursor: entry.cursor,
    };
  }
}

export const CustomerUpdatedCustomerResolver = customerRefResolver(
  CustomerUpdated,
  'The profile as it is now (null once merged away or erased).',
);

function cursorOf(value: string): string {
  if (!/^\d{1,19}$/.test(value)) {
    throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'afterCursor is not a change-feed cursor', {
      extensions: { argument: 'afterCursor' },
    });
  }
  return value;
}
