/** Which kinds of catalogue item a recommendation may return. */
export enum ItemType {
  PRODUCT = 'PRODUCT',
  CONTENT = 'CONTENT',
  BOTH = 'BOTH',
}

/** Where the recommendations will be shown; each changes which candidates are proposed. */
export enum RecommendationSurface {
  HOMEPAGE = 'HOMEPAGE',
  PRODUCT_PAGE = 'PRODUCT_PAGE',
  CART = 'CART',
  SESSION = 'SESSION',
  FAMILY_GIFT = 'FAMILY_GIFT',
  EMAIL = 'EMAIL',
}

/** What proposed a candidate. Each has its own weight in the blend. */
export enum CandidateSource {
  /** Item-item collaborative model over everyone's interactions. */
  COLLABORATIVE = 'COLLABORATIVE',
  /** Nearest items to the customer's preference vector (pgvector HNSW). */
  VECTOR = 'VECTOR',
  /** Bought or wished for by a relative (knowledge graph). */
  FAMILY = 'FAMILY',
  /** Bought by people who responded to a campaign that targets the customer. */
  CAMPAIGN = 'CAMPAIGN',
  /** Related to what the surface shows: the product page, the cart or this session. */
  CONTEXT = 'CONTEXT',
  /** What people choose at this time of day in this season (the SESSION surface). */
  MOMENT = 'MOMENT',
  /** Most customers' choice lately: the cold-start source. */
  POPULARITY = 'POPULARITY',
  /** The words of a search query, in keywords, categories and names (search only). */
  KEYWORD = 'KEYWORD',
}

/** Why an item was recommended: one per reason, each with a sentence and its evidence. */
export enum ReasonKind {
  INTERACTED_WITH_SIMILAR = 'INTERACTED_WITH_SIMILAR',
  MATCHES_INTERESTS = 'MATCHES_INTERESTS',
  RELATIVE_INTERACTED = 'RELATIVE_INTERACTED',
  CAMPAIGN = 'CAMPAIGN',
  GOES_WITH_CONTEXT = 'GOES_WITH_CONTEXT',
  POPULAR = 'POPULAR',
  PERSONALIZATION_OFF = 'PERSONALIZATION_OFF',
}

/** What a reason points at. */
export enum EvidenceKind {
  PRODUCT = 'PRODUCT',
  CONTENT = 'CONTENT',
  CUSTOMER = 'CUSTOMER',
  CAMPAIGN = 'CAMPAIGN',
  CATEGORY = 'CATEGORY',
  KEYWORD = 'KEYWORD',
}

export type ItemKind = 'product' | 'content';
