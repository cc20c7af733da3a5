import { createHash } from 'node:crypto';

import { Arg, Ctx, FieldResolver, ID, Int, Resolver, Root } from 'type-graphql';

import type { GraphQLContext } from '../../context.js';
import { ErrorCode, GatewayError } from '../../errors.js';
import { assertPageSize, assertUuid } from '../../lib/ids.js';
import { validationFailure } from '../../lib/validation.js';
import { Campaign, Content, Product } from '../catalog/catalog.type.js';
import { Customer } from '../customer/customer.type.js';
import { impressionOf } from './analytics/impression.writer.js';
import type { RecommendationDeps } from './recommendation.deps.js';
import { RecommendationContextInput } from './recommendation.inputs.js';
import { EvidenceKind, ItemType, RecommendationSurface } from './recommendation.kinds.js';
import type { RecommendationRequest } from './recommendation.service.js';
import {
  CatalogItem,
  Recommendation,
  RecommendationEvidence,
  SimilarCustomer,
} from './recommendation.type.js';

/** Bounds of the list arguments, so one request cannot make the rules work without end. */
const MAX_EXCLUDED = 500;
const MAX_CATEGORIES = 50;

/** Recommendation fields on Customer; type-graphql merges them into the one Customer type. */
@Resolver(() => Customer)
export class CustomerRecommendationsResolver {
  constructor(private readonly deps: RecommendationDeps) {}

  @FieldResolver(() => [Recommendation], {
    description:
      'Products and content for this customer, ranked in real time from their history, their preference vector, their family and campaigns, the surface shown and popularity; each explained. Without the personalization consent, popular items only, and the reasons say so.',
  })
  async recommendations(
    @Root() customer: Customer,
    @Arg('first', () => Int, { defaultValue: 10, description: 'How many, 1 to 100.' })
    first: number,
    @Arg('itemType', () => ItemType, { defaultValue: ItemType.PRODUCT }) itemType: ItemType,
    @Arg('context', () => RecommendationContextInput, { nullable: true })
    context: RecommendationContextInput | null,
    @Arg('exclude', () => [ID], {
      nullable: true,
      description: 'Item ids never to return (at most 500).',
    })
    exclude: string[] | null,
    @Arg('categories', () => [String], {
      nullable: true,
      description: 'Only items in one of these categories.',
    })
    categories: string[] | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Recommendation[]> {
    const request = await this.request(
      customer.id,
      { first, itemType, context, exclude, categories },
      ctx,
    );
    const consents = await ctx.loaders.consentsByCustomerId.load(customer.id);
    const { service } = this.deps;
    // The key changes with everything the answer rests on that the relay does not announce.
    const requestKey = createHash('sha256')
      .update(
        JSON.stringify([
          request,
          customer.updatedAt,
          consents,
          service.modelVersion(),
          service.variantOf(customer.id),
        ]),
      )
      .digest('base64url');
    const cached = await this.deps.cache.get(customer.id, requestKey);
    if (cached.answer !== undefined) {
      return cached.answer;
    }
    const answer = await service.recommend(request);
    // Only computed answers: a cached one repeats the request id already recorded.
    this.deps.impressions.record(impressionOf(request, answer));
    await this.deps.cache.put(customer.id, requestKey, answer, cached.ticket);
    return answer;
  }

  @FieldResolver(() => [SimilarCustomer], {
    nullable: true,
    description:
      'Customers whose preference vectors (interests and interactions) are nearest (pgvector HNSW). Empty for a customer without one. Null, with an error, while PostgreSQL cannot answer.',
  })
  async similarCustomers(
    @Root() customer: Customer,
    @Arg('first', () => Int, { defaultValue: 5, description: 'How many, 1 to 100.' }) first: number,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SimilarCustomer[]> {
    const pageSize = assertPageSize(first);
    const space = this.deps.service.customerSpace();
    if (space === null) {
      return [];
    }
    const rows = await ctx.loaders.similarByCustomerId.load({
      customerId: customer.id,
      first: pageSize,
      ...space,
    });
    return rows.map((row) => ({ customerId: row.similarId, score: row.score }));
  }

  private async request(
    customerId: string,
    args: {
      first: number;
      itemType: ItemType;
      context: RecommendationContextInput | null;
      exclude: string[] | null;
      categories: string[] | null;
    },
    ctx: GraphQLContext,
  ): Promise<RecommendationRequest> {
    const context =
      args.context ??
      Object.assign(new RecommendationContextInput(), {
        surface: RecommendationSurface.HOMEPAGE,
      });
    const invalid = validationFailure(context);
    if (invalid !== null) {
      throw new GatewayError(ErrorCode.BAD_USER_INPUT, `context: ${invalid}`);
    }
    const exclude = (args.exclude ?? []).map((id) => assertUuid(id, 'exclude'));
    if (exclude.length > MAX_EXCLUDED || (args.categories?.length ?? 0) > MAX_CATEGORIES) {
      throw new GatewayError(
        ErrorCode.BAD_USER_INPUT,
        `exclude takes at most ${MAX_EXCLUDED} ids and categories at most ${MAX_CATEGORIES} names`,
      );
    }
    const productIds = [
      ...(context.productId ? [context.productId.toLowerCase()] : []),
      ...(context.cartProductIds ?? []).map((id) => id.toLowerCase()),
    ];
    const products = await ctx.loaders.productById.loadMany(productIds);
    const unknown = productIds.filter((_, i) => {
      const found = products[i];
      return found === null || found === undefined || found instanceof Error;
    });
    if (unknown.length > 0) {
      throw new GatewayError(ErrorCode.NOT_FOUND, `no product with id ${unknown.join(', ')}`, {
        extensions: { productIds: unknown },
      });
    }
    if (
      context.relativeId &&
      (await ctx.loaders.customerById.load(context.relativeId.toLowerCase())) === null
    ) {
      throw new GatewayError(ErrorCode.NOT_FOUND, `no customer with id ${context.relativeId}`);
    }
    return {
      customerId,
      first: assertPageSize(args.first),
      itemType: args.itemType,
      surface: context.surface,
      productId: context.productId?.toLowerCase() ?? null,
      cartProductIds: (context.cartProductIds ?? []).map((id) => id.toLowerCase()),
      sessionId: context.sessionId ?? null,
      at: context.at ?? null,
      relativeId: context.relativeId?.toLowerCase() ?? null,
      exclude,
      categories: args.categories ?? [],
    };
  }
}

@Resolver(() => Recommendation)
export class RecommendationItemResolver {
  @FieldResolver(() => CatalogItem, {
    nullable: true,
    description: 'The product or content item; null if it left the catalogue since.',
  })
  item(
    @Root() recommendation: Recommendation,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Product | Content | null> {
    return recommendation.itemKind === 'product'
      ? ctx.loaders.productById.load(recommendation.itemId)
      : ctx.loaders.contentById.load(recommendation.itemId);
  }
}

/** What a reason rests on, loaded: the item, relative or campaign behind an evidence id. */
@Resolver(() => RecommendationEvidence)
export class RecommendationEvidenceResolver {
  @FieldResolver(() => Product, {
    nullable: true,
    description: 'The product, for PRODUCT evidence.',
  })
  product(@Root() evidence: RecommendationEvidence, @Ctx() ctx: GraphQLContext) {
    return evidence.kind === EvidenceKind.PRODUCT
      ? ctx.loaders.productById.load(evidence.id)
      : null;
  }

  @FieldResolver(() => Content, {
    nullable: true,
    description: 'The content item, for CONTENT evidence.',
  })
  content(@Root() evidence: RecommendationEvidence, @Ctx() ctx: GraphQLContext) {
    return evidence.kind === EvidenceKind.CONTENT
      ? ctx.loaders.contentById.load(evidence.id)
      : null;
  }

  @FieldResolver(() => Customer, {
    nullable: true,
    description: 'The relative, for CUSTOMER evidence (masked as any profile is without READ_PII).',
  })
  customer(@Root() evidence: RecommendationEvidence, @Ctx() ctx: GraphQLContext) {
    return evidence.kind === EvidenceKind.CUSTOMER
      ? ctx.loaders.customerById.load(evidence.id)
      : null;
  }

  @FieldResolver(() => Campaign, {
    nullable: true,
    description: 'The campaign, for CAMPAIGN evidence.',
  })
  campaign(@Root() evidence: RecommendationEvidence, @Ctx() ctx: GraphQLContext) {
    return evidence.kind === EvidenceKind.CAMPAIGN
      ? ctx.loaders.campaignById.load(evidence.id)
      : null;
  }
}
