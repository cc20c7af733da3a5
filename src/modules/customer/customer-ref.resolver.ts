import { type ClassType, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';

import type { GraphQLContext } from '../../context.js';
import { CustomerResolution } from '../identity/identity.type.js';
import { RelatedCustomer } from '../relationship/relationship.type.js';
import { Customer, CustomerUpdated, Relative, SimilarCustomer } from './customer.type.js';

/**
 * Builds the resolver of a `customer` field on a type that only holds a `customerId`
 * (relatives, neighbours, change events): the profile comes from the per-request loader, so
 * a list of references costs one PostgreSQL statement.
 */
function customerRefResolver<T extends { customerId: string }>(
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

export const RelativeResolver = customerRefResolver(Relative, 'The relative’s own profile.');
export const SimilarCustomerResolver = customerRefResolver(
  SimilarCustomer,
  'The similar customer’s profile.',
);
export const CustomerResolutionResolver = customerRefResolver(
  CustomerResolution,
  'The surviving customer’s profile.',
);
export const CustomerUpdatedResolver = customerRefResolver(
  CustomerUpdated,
  'The profile as it is now.',
);
export const RelatedCustomerResolver = customerRefResolver(
  RelatedCustomer,
  'The related customer’s profile.',
);
