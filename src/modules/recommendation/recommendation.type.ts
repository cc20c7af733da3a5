import { createUnionType, Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';

import { CustomerData } from '../access/access.policy.js';
import { Content, Product } from '../catalog/catalog.type.js';
import {
  CandidateSource,
  EvidenceKind,
  ItemType,
  ReasonKind,
  RecommendationSurface,
} from './recommendation.kinds.js';
import type { ItemKind } from './recommendation.kinds.js';

registerEnumType(ItemType, { name: 'ItemType', description: 'Products, content, or both.' });
registerEnumType(RecommendationSurface, {
  name: 'RecommendationSurface',
  description: 'Where the recommendations will be shown; it changes what is proposed.',
  valuesConfig: {
    HOMEPAGE: { description: 'General recommendations from the customer’s own taste.' },
    PRODUCT_PAGE: { description: 'Next to a product (context.productId).' },
    CART: { description: 'Beside a cart (context.cartProductIds): what goes with it.' },
    SESSION: {
      description: 'Steered by what the customer browsed in this session (context.sessionId).',
    },
    FAMILY_GIFT: { description: 'A gift for a relative (context.relativeId), from their taste.' },
    EMAIL: { description: 'For an e-mail: like HOMEPAGE.' },
  },
});
registerEnumType(CandidateSource, {
  name: 'CandidateSource',
  description: 'What proposed a recommended item.',
});
registerEnumType(ReasonKind, { name: 'ReasonKind', description: 'Why an item was recommended.' });
registerEnumType(EvidenceKind, { name: 'EvidenceKind', description: 'What a reason rests on.' });

export const CatalogItem = createUnionType({
  name: 'CatalogItem',
  description: 'A product or a content item.',
  types: () => [Product, Content] as const,
  resolveType: (value) => ('sku' in value ? Product : Content),
});

@ObjectType({
  description: 'What a reason rests on: an item, a relative, a campaign, a category or a keyword.',
})
export class RecommendationEvidence {
  @Field(() => EvidenceKind)
  kind!: EvidenceKind;

  @Field(() => ID, {
    description: 'The id of the item, customer or campaign; the name of the category or keyword.',
  })
  id!: string;
}

@CustomerData()
@ObjectType({ description: 'One reason for a recommendation.' })
export class RecommendationReason {
  @Field(() => ReasonKind)
  kind!: ReasonKind;

  @Field(() => String, { description: 'A sentence to show; names no personal data.' })
  text!: string;

  @Field(() => [RecommendationEvidence])
  evidence!: RecommendationEvidence[];
}

@CustomerData()
@ObjectType({ description: 'A recommended product or content item, explained.' })
export class Recommendation {
  @Field(() => Float, {
    description: 'The blended score; only the order within one answer is meaningful.',
  })
  score!: number;

  @Field(() => [RecommendationReason], { description: 'Why, strongest first.' })
  reasons!: RecommendationReason[];

  @Field(() => [CandidateSource], { description: 'The sources that proposed it.' })
  sources!: CandidateSource[];

  @Field(() => ID, {
    description:
      'Identifies this answer: send it as `properties.requestId` with recommendation_view, recommendation_click and purchase events to attribute them.',
  })
  requestId!: string;

  @Field(() => String, { description: 'The models that produced it.' })
  modelVersion!: string;

  @Field(() => String, {
    description:
      'The experiment variant whose blend ranked it (`control` for the default blend); stable for a customer while RECOMMENDATION_VARIANTS is unchanged.',
  })
  variant!: string;

  @Field(() => Date, { description: 'When it was computed (earlier when served from cache).' })
  computedAt!: Date;

  /** Resolved through the catalog loaders. */
  itemId!: string;
  itemKind!: ItemKind;
}

@ObjectType({ description: 'A product and how alike it is.' })
export class SimilarProduct {
  @Field(() => Float, { description: 'Higher is more alike; comparable within one answer.' })
  score!: number;

  @Field(() => [CandidateSource], {
    description: 'What found it: COLLABORATIVE (co-interaction) and/or VECTOR (text).',
  })
  sources!: CandidateSource[];

  productId!: string;
}

@ObjectType({ description: 'A product bought by the same customers, with how often.' })
export class BoughtTogether {
  @Field(() => Float, {
    description: 'Share of the product’s buyers who also bought this one, 0 to 1.',
  })
  confidence!: number;

  @Field(() => Float, { description: 'How many distinct customers bought both.' })
  customers!: number;

  productId!: string;
}

@ObjectType({ description: 'A product ranked by distinct customers over a window.' })
export class TrendingProduct {
  @Field(() => Float, {
    description: 'Distinct customers with a positive interaction in the window.',
  })
  customers!: number;

  productId!: string;
}

@ObjectType({ description: 'A product found by a search, and how well it matches.' })
export class ProductMatch {
  @Field(() => Float, { description: 'Higher is better; comparable within one answer.' })
  score!: number;

  productId!: string;
}

@CustomerData()
@ObjectType({
  description:
    'A customer whose preference vector (interests and interactions) is close to this one’s.',
})
export class SimilarCustomer {
  @Field(() => Float, { description: 'Cosine similarity in [-1, 1]; higher is more alike.' })
  score!: number;

  customerId!: string;
}
