import { Arg, type ClassType, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';

import type { GraphQLContext } from '../../../context.js';
import { ErrorCode, GatewayError } from '../../../errors.js';
import { assertPageSize } from '../../../lib/ids.js';
import { Product } from '../../catalog/catalog.type.js';
import type { RecommendationDeps } from '../recommendation.deps.js';
import {
  BoughtTogether,
  ProductMatch,
  SimilarProduct,
  TrendingProduct,
} from '../recommendation.type.js';

/** The longest trending window, in days: longer ones are popularity, not a trend. */
const MAX_WINDOW_DAYS = 365;
const MAX_QUERY_LENGTH = 500;

@Resolver(() => Product)
export class ProductDiscoveryResolver {
  constructor(private readonly deps: RecommendationDeps) {}

  @FieldResolver(() => [SimilarProduct], {
    description:
      'Products alike, in stock: bought and viewed by the same customers, and close in text (name, categories, keywords).',
  })
  similar(
    @Root() product: Product,
    @Arg('first', () => Int, { defaultValue: 10, description: 'How many, 1 to 100.' })
    first: number,
  ): Promise<SimilarProduct[]> {
    return this.deps.discovery.similar(product.id, assertPageSize(first));
  }

  @FieldResolver(() => [BoughtTogether], {
    description: 'Products the buyers of this one also bought, most shared buyers first.',
  })
  frequentlyBoughtTogether(
    @Root() product: Product,
    @Arg('first', () => Int, { defaultValue: 10, description: 'How many, 1 to 100.' })
    first: number,
  ): Promise<BoughtTogether[]> {
    return this.deps.discovery.boughtTogether(product.id, assertPageSize(first));
  }

  @Query(() => [ProductMatch], {
    description:
      'Semantic product search: the meaning of the text (vectors) and its words (keywords, categories, names).',
  })
  searchProducts(
    @Arg('text', () => String) text: string,
    @Arg('first', () => Int, { defaultValue: 10, description: 'How many, 1 to 100.' })
    first: number,
  ): Promise<ProductMatch[]> {
    const trimmed = text.trim();
    if (trimmed.length === 0 || trimmed.length > MAX_QUERY_LENGTH) {
      throw new GatewayError(
        ErrorCode.BAD_USER_INPUT,
        `text must hold 1 to ${MAX_QUERY_LENGTH} characters`,
        {
          extensions: { argument: 'text' },
        },
      );
    }
    return this.deps.discovery.search(trimmed, assertPageSize(first));
  }

  @Query(() => [TrendingProduct], {
    description:
      'Products with the most distinct customers interacting positively within the last `windowDays`.',
  })
  async trendingProducts(
    @Arg('first', () => Int, { defaultValue: 10, description: 'How many, 1 to 100.' })
    first: number,
    @Arg('category', () => String, {
      nullable: true,
      description: 'Only products in this category.',
    })
    category: string | null,
    @Arg('windowDays', () => Int, { defaultValue: 7, description: 'The window, 1 to 365 days.' })
    windowDays: number,
  ): Promise<TrendingProduct[]> {
    if (!Number.isInteger(windowDays) || windowDays < 1 || windowDays > MAX_WINDOW_DAYS) {
      throw new GatewayError(
        ErrorCode.BAD_USER_INPUT,
        `windowDays must be between 1 and ${MAX_WINDOW_DAYS}`,
        {
          extensions: { argument: 'windowDays' },
        },
      );
    }
    const items = await this.deps.popularity.ranking(
      'product',
      windowDays,
      category,
      assertPageSize(first),
    );
    return items.map((item) => ({ productId: item.itemId, customers: item.customers }));
  }
}

/** The `product` field of a type that holds a productId, through the per-request loader. */
function productRefResolver<T extends { productId: string }>(type: ClassType<T>) {
  @Resolver(() => type)
  class ProductRefResolver {
    @FieldResolver(() => Product, {
      nullable: true,
      description: 'The product; null if it left the catalogue.',
    })
    product(@Root() ref: T, @Ctx() ctx: GraphQLContext): Promise<Product | null> {
      return ctx.loaders.productById.load(ref.productId);
    }
  }
  return ProductRefResolver;
}

export const SimilarProductResolver = productRefResolver(SimilarProduct);
export const BoughtTogetherResolver = productRefResolver(BoughtTogether);
export const TrendingProductResolver = productRefResolver(TrendingProduct);
export const ProductMatchResolver = productRefResolver(ProductMatch);
