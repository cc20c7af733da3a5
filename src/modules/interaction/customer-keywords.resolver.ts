import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';

import type { GraphQLContext } from '../../context.js';
import { assertPageSize } from '../../lib/ids.js';
import { Customer } from '../customer/customer.type.js';
import { CustomerKeyword } from './customer-keywords.type.js';

/** `Customer.keywords`; type-graphql merges it into the one Customer type. */
@Resolver(() => Customer)
export class CustomerKeywordsResolver {
  @FieldResolver(() => [CustomerKeyword], {
    description:
      'Keywords that describe the customer, strongest first: the interests the profile declares (PROFILE) and the keywords of products and content they viewed (VIEWED) and bought (PURCHASED), weighted by event and age. Empty for a customer who withdrew personalization consent.',
  })
  keywords(
    @Root() customer: Customer,
    @Arg('first', () => Int, { defaultValue: 20, description: 'How many, 1 to 100.' })
    first: number,
    @Ctx() ctx: GraphQLContext,
  ): Promise<CustomerKeyword[]> {
    return ctx.loaders.keywordsByCustomerId.load({
      customerId: customer.id,
      first: assertPageSize(first),
    });
  }
}
