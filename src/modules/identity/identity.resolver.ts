import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';

import type { GraphQLContext } from '../../context.js';
import { ErrorCode, GatewayError, storeUnavailable } from '../../errors.js';
import { Customer } from '../customer/customer.type.js';
import { normalizeIdentity } from './identity.normalize.js';
import { Identity, IdentityType } from './identity.type.js';

@Resolver(() => Customer)
export class IdentityResolver {
  @Query(() => Customer, {
    nullable: true,
    description:
      'The customer holding this identifier (normalised first), or null when nobody does.',
  })
  async customerByIdentity(
    @Arg('type', () => IdentityType) type: IdentityType,
    @Arg('value', () => String) value: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Customer | null> {
    const normalized = normalizeIdentity(type, value);
    if (!normalized.ok) {
      throw new GatewayError(ErrorCode.BAD_USER_INPUT, normalized.reason, {
        extensions: { argument: 'value' },
      });
    }
    const customerId = await ctx.services.identities
      .findCustomerId({ type, value: normalized.value })
      .catch((error: unknown) => {
        throw storeUnavailable('postgres', error);
      });
    return customerId === null ? null : ctx.loaders.customerById.load(customerId);
  }

  @FieldResolver(() => [Identity], {
    description: 'Every identifier this customer is known by, oldest first.',
  })
  identities(@Root() customer: Customer, @Ctx() ctx: GraphQLContext): Promise<Identity[]> {
    return ctx.loaders.identitiesByCustomerId.load(customer.id);
  }
}
