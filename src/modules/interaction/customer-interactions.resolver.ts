import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';

import type { GraphQLContext } from '../../context.js';
import { assertPageSize } from '../../lib/ids.js';
import { Customer } from '../customer/customer.type.js';
import { Campaign, Product } from '../catalog/catalog.type.js';
import type { InteractionKind } from './interaction.kinds.js';
import { CustomerCampaign, CustomerInteractions, ProductInteraction } from './interaction.type.js';

/** The interaction fields on Customer; type-graphql merges them into the one Customer type. */
@Resolver(() => Customer)
export class CustomerInteractionsResolver {
  @FieldResolver(() => CustomerInteractions, {
    nullable: true,
    description:
      'Products the customer viewed, carted and bought, from the knowledge graph. Null, with a NEO4J_UNAVAILABLE error, while the graph cannot answer.',
  })
  async interactions(
    @Root() customer: Customer,
    @Arg('first', () => Int, {
      defaultValue: 10,
      description: 'Products per kind, 1 to 100, most recent first.',
    })
    first: number,
    @Ctx() ctx: GraphQLContext,
  ): Promise<CustomerInteractions> {
    const records = await ctx.loaders.interactionsByCustomerId.load({
      customerId: customer.id,
      first: assertPageSize(first),
    });
    const of = (kind: InteractionKind): ProductInteraction[] =>
      records
        .filter((r) => r.kind === kind)
        .map(({ productId, count, firstAt, lastAt }) => ({ productId, count, firstAt, lastAt }));
    return { viewed: of('VIEWED'), carted: of('CARTED'), purchased: of('PURCHASED') };
  }

  @FieldResolver(() => [CustomerCampaign], {
    nullable: true,
    description:
      'Campaigns that targeted the customer or that they responded to, most recent first, from the knowledge graph. Null, with a NEO4J_UNAVAILABLE error, while the graph cannot answer.',
  })
  async campaigns(
    @Root() customer: Customer,
    @Arg('first', () => Int, { defaultValue: 10, description: 'How many, 1 to 100.' })
    first: number,
    @Ctx() ctx: GraphQLContext,
  ): Promise<CustomerCampaign[]> {
    const records = await ctx.loaders.campaignsByCustomerId.load({
      customerId: customer.id,
      first: assertPageSize(first),
    });
    return records.map(({ customerId: _c, ...campaign }) => campaign);
  }
}

@Resolver(() => ProductInteraction)
export class ProductInteractionResolver {
  @FieldResolver(() => Product, {
    nullable: true,
    description: 'The product; null if it is no longer in the catalog.',
  })
  product(@Root() interaction: ProductInteraction, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.productById.load(interaction.productId);
  }
}

@Resolver(() => CustomerCampaign)
export class CustomerCampaignResolver {
  @FieldResolver(() => Campaign, {
    nullable: true,
    description: 'The campaign; null if it is no longer stored.',
  })
  campaign(@Root() entry: CustomerCampaign, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.campaignById.load(entry.campaignId);
  }
}
