import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';

import type { GraphQLContext } from '../../../context.js';
import { assertPageSize } from '../../../lib/ids.js';
import { Product } from '../../catalog/catalog.type.js';
import { analyticsWindow } from './analytics.service.js';
import {
  ProductCount,
  RecommendationAnalytics,
  SurfaceFunnel,
  VariantFunnel,
} from './analytics.type.js';
import type { RecommendationDeps } from '../recommendation.deps.js';

@Resolver(() => RecommendationAnalytics)
export class RecommendationAnalyticsResolver {
  constructor(private readonly deps: RecommendationDeps) {}

  @Query(() => RecommendationAnalytics, {
    description:
      'Recommendation analytics over the answers computed in [since, until): by default the last 30 days, at most 366. Attribution joins recommendation_view, recommendation_click and purchase events to answers by `properties.requestId`. Needs the read scope.',
  })
  recommendationAnalytics(
    @Arg('since', () => Date, { nullable: true, description: 'Default: 30 days before until.' })
    since: Date | null,
    @Arg('until', () => Date, { nullable: true, description: 'Default: now.' })
    until: Date | null,
  ): RecommendationAnalytics {
    return analyticsWindow(since, until);
  }

  @FieldResolver(() => [ProductCount], {
    description: 'Products most often in a viewed answer (recommendation_view naming them).',
  })
  topViewed(
    @Root() window: RecommendationAnalytics,
    @Arg('first', () => Int, { defaultValue: 10, description: 'How many, 1 to 100.' })
    first: number,
  ): Promise<ProductCount[]> {
    return this.deps.analytics.store.topViewed(window, assertPageSize(first));
  }

  @FieldResolver(() => [ProductCount], { description: 'Products most often recommended.' })
  topRecommended(
    @Root() window: RecommendationAnalytics,
    @Arg('first', () => Int, { defaultValue: 10, description: 'How many, 1 to 100.' })
    first: number,
  ): Promise<ProductCount[]> {
    return this.deps.analytics.store.topRecommended(window, assertPageSize(first));
  }

  @FieldResolver(() => [ProductCount], {
    description:
      'Products most often bought within 7 days of an answer, by purchase events carrying its request id.',
  })
  topPurchased(
    @Root() window: RecommendationAnalytics,
    @Arg('first', () => Int, { defaultValue: 10, description: 'How many, 1 to 100.' })
    first: number,
  ): Promise<ProductCount[]> {
    return this.deps.analytics.store.topPurchased(window, assertPageSize(first));
  }

  @FieldResolver(() => [SurfaceFunnel], { description: 'The funnel per surface.' })
  byContext(@Root() window: RecommendationAnalytics): Promise<SurfaceFunnel[]> {
    return this.deps.analytics.service.bySurface(window);
  }

  @FieldResolver(() => [VariantFunnel], {
    description: 'The funnel per experiment variant, with 95 % Wilson intervals.',
  })
  byVariant(@Root() window: RecommendationAnalytics): Promise<VariantFunnel[]> {
    return this.deps.analytics.service.byVariant(window);
  }
}

@Resolver(() => ProductCount)
export class ProductCountResolver {
  @FieldResolver(() => Product, {
    nullable: true,
    description: 'The product; null if it left the catalogue.',
  })
  product(@Root() count: ProductCount, @Ctx() ctx: GraphQLContext): Promise<Product | null> {
    return ctx.loaders.productById.load(count.productId);
  }
}
