import { type ClassType, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';

import type { GraphQLContext } from '../../context.js';
import { Customer } from './customer.type.js';

/**
 * Builds the resolver of a `customer` field on a type that only holds a `customerId`
 * (relatives, neighbours, change events): the profile comes from the per-request loader, so
 * a list of references costs one PostgreSQL statement.
 */
export function customerRefResolver<T extends { customerId: string }>(
  type: ClassType<T>,
  description: string,
) {
  @Resolver(() => type)
  class CustomerRefResolver {
    @FieldResolver(() => Customer, { nullable: true, description })
    customer(@Root() ref: T, @Ctx() ctx: GraphQLContext): Promise<Customer | null> {
      return ctx.loaders.customerById.load(ref.customerId);
    }
  }
  return CustomerRefResolver;
}
