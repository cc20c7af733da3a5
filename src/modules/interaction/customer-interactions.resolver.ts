import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';

import type { GraphQLContext } from '../../context.js';
import { assertPageSize } from '../../lib/ids.js';
import { Customer } from '../customer/customer.type.js';
import { Campaign, Content, Product } from '../catalog/catalog.type.js';
import { InteractionKind } from './interaction.kinds.js';
import {
  ContentInteraction,
  CustomerCampaign,
  CustomerInteractions,
  ProductInteraction,
} from './interaction.type.js';

/** The interaction fields on Customer; type-graphql merges them into the one Customer type. */
@Resolver(() => Customer)
export class CustomerInteractionsResolver {
  @FieldResolver(() => CustomerInteractions, {
    nullable: true,
    description:
      'Products and content the customer viewed, carted, wished for, bought or was recommended, from the knowledge graph. Null, with a NEO4J_UNAVAILABLE error, while the graph cannot answer.',
  })
  async interactions(
    @Root() customer: Customer,
    @Arg('first', () => Int, {
      defaultValue: 10,
      description: 'Products (and content items) per kind, 1 to 100, most recent first.',
    })
    first: number,
    @Arg('kinds', () => [InteractionKind], {
      nullable: true,
      description: 'Only these kinds; the lists of other kinds are empty. All when omitted.',
    })
    kinds: InteractionKind[] | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<CustomerInteractions> {
    const wanted = new Set(kinds && kinds.length > 0 ? kinds : Object.values(InteractionKind));
    const records = (
      await ctx.loaders.interactionsByCustomerId.load({
        customerId: customer.id,
        first: assertPageSize(first),
      })
    ).filter((r) => wanted.has(r.kind));
    const products = (kind: InteractionKind): ProductInteraction[] =>
      records.flatMap(({ kind: k, productId, count, firstAt, lastAt }) =>
        k === kind && productId !== null ? [{ kind, productId, count, firstAt, lastAt }] : [],
      );
    const content: ContentInteraction[] = records
      .flatMap(({ kind, contentId, count, firstAt, lastAt }) =>
        contentId !== null ? [{ kind, contentId, count, firstAt, lastAt }] : [],
      )
      .sort((a, b) => b.lastAt.getTime() - a.lastAt.getTime());
    return {
      viewed: products(InteractionKind.VIEWED),
      carted: products(InteractionKind.CARTED),
      cartRemoved: products(InteractionKind.CART_REMOVED),
      wishlisted: products(InteractionKind.WISHLISTED),
      purchased: products(InteractionKind.PURCHASED),
      recommended: products(InteractionKind.RECOMMENDED),
      clicked: products(InteractionKind.CLICKED),
      content,
    };
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

@Resolver(() => ContentInteraction)
export class ContentInteractionResolver {
  @FieldResolver(() => Content, {
    nullable: true,
    description: 'The content item; null if it is no longer in the catalog.',
  })
  content(@Root() interaction: ContentInteraction, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.contentById.load(interaction.contentId);
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
