import type { Reason } from './reasons.js';
import type {
  CandidateSource,
  ItemKind,
  ItemType,
  RecommendationSurface,
} from './recommendation.kinds.js';

/** What a caller asks for: whose recommendations, where they are shown, and the filters. */
export interface RecommendationRequest {
  customerId: string;
  first: number;
  itemType: ItemType;
  surface: RecommendationSurface;
  /** PRODUCT_PAGE: the product shown. */
  productId: string | null;
  /** CART: the products in the cart. */
  cartProductIds: readonly string[];
  /** SESSION: the session whose browsing steers the answer. */
  sessionId: string | null;
  /** SESSION: when it happens; its time of day and season steer the answer too. */
  at: Date | null;
  /** FAMILY_GIFT: the relative the gift is for. */
  relativeId: string | null;
  exclude: readonly string[];
  categories: readonly string[];
}

/** One recommended item, explained, with what identifies the answer it came in. */
export interface Recommendation {
  itemId: string;
  itemKind: ItemKind;
  score: number;
  reasons: Reason[];
  sources: CandidateSource[];
  requestId: string;
  modelVersion: string;
  /** The experiment variant that blended it (`control` outside any). */
  variant: string;
  computedAt: Date;
}
