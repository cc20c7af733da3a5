import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';

import type { GraphQLContext } from '../../context.js';
import { ErrorCode, GatewayError } from '../../errors.js';
import { customerRefResolver } from '../customer/customer-ref.resolver.js';
import { Customer } from '../customer/customer.type.js';
import { MAX_RELATIONSHIP_DEPTH, type RelatedRecord } from './relationship.graph.js';
import { HopDirection, Household, RelatedCustomer, Relative } from './relationship.type.js';
import { RELATIONSHIP_TYPES, Relationship } from './relationship.kinds.js';

/** The relationship graph as seen from one customer: family, walks and household. */
@Resolver(() => Customer)
export class CustomerRelationshipsResolver {
  @FieldResolver(() => [Relative], {
    nullable: true,
    description:
      'Spouse, parents, children and siblings, from the relationship graph. Null, with a NEO4J_UNAVAILABLE error, while the graph cannot answer.',
  })
  async family(@Root() customer: Customer, @Ctx() ctx: GraphQLContext): Promise<Relative[]> {
    const records = await ctx.loaders.relativesByCustomerId.load(customer.id);
    return records.map((record) => ({ relation: record.relation, customerId: record.relativeId }));
  }

  @FieldResolver(() => [RelatedCustomer], {
    nullable: true,
    description: `Customers related through the given relationship types (all when omitted), up to \`depth\` hops away (1 to ${MAX_RELATIONSHIP_DEPTH}), nearest first, with a shortest path to each; at most 200. Null, with a NEO4J_UNAVAILABLE error, while the graph cannot answer.`,
  })
  async relationships(
    @Root() customer: Customer,
    @Arg('types', () => [Relationship], {
      nullable: true,
      description: 'Relationship types to follow; all when omitted.',
    })
    types: Relationship[] | null,
    @Arg('depth', () => Int, { defaultValue: 1, description: 'How many hops, 1 to 3.' })
    depth: number,
    @Ctx() ctx: GraphQLContext,
  ): Promise<RelatedCustomer[]> {
    if (!Number.isInteger(depth) || depth < 1 || depth > MAX_RELATIONSHIP_DEPTH) {
      throw new GatewayError(
        ErrorCode.BAD_USER_INPUT,
        `depth must be between 1 and ${MAX_RELATIONSHIP_DEPTH}`,
        { extensions: { argument: 'depth' } },
      );
    }
    const records = await ctx.loaders.relatedByCustomerId.load({
      customerId: customer.id,
      types: types && types.length > 0 ? types : RELATIONSHIP_TYPES,
      depth,
    });
    return records.map(toRelated);
  }

  @FieldResolver(() => Household, {
    nullable: true,
    description:
      'Who the customer lives with (HOUSEHOLD_MEMBER and SPOUSE_OF relationships, up to three hops). Null, with a NEO4J_UNAVAILABLE error, while the graph cannot answer.',
  })
  async household(@Root() customer: Customer, @Ctx() ctx: GraphQLContext): Promise<Household> {
    const members = (await ctx.loaders.householdByCustomerId.load(customer.id)).map(toRelated);
    return { size: members.length + 1, members };
  }
}

function toRelated(record: RelatedRecord): RelatedCustomer {
  return {
    customerId: record.relatedId,
    distance: record.path.length,
    path: record.path.map((hop) => ({
      type: hop.type as Relationship,
      direction: hop.outgoing ? HopDirection.OUTGOING : HopDirection.INCOMING,
    })),
  };
}

export const RelativeResolver = customerRefResolver(Relative, 'The relative’s own profile.');
export const RelatedCustomerResolver = customerRefResolver(
  RelatedCustomer,
  'The related customer’s profile.',
);
