/**
 * The interaction vocabulary, in one place: which event types are interactions with a catalog
 * item, the graph relationship each one feeds, and how much each says about a customer's
 * interest. The relationship names here are the only ones that reach a Cypher statement for
 * interactions; the recommendation module reads the weights from here.
 */

/** Event types that name a product or a content item (campaign_touch names a campaign). */
export const INTERACTION_EVENT_TYPES = [
  'view',
  'cart_add',
  'cart_remove',
  'wishlist_add',
  'purchase',
  'recommendation_view',
  'recommendation_click',
] as const;
export type InteractionEventType = (typeof INTERACTION_EVENT_TYPES)[number];

/**
 * Customer → item relationship types, one per interaction event type, used alike for
 * (Customer)-[...]->(Product) and (Customer)-[...]->(Content).
 */
export const InteractionKind = {
  VIEWED: 'VIEWED',
  CARTED: 'CARTED',
  CART_REMOVED: 'CART_REMOVED',
  WISHLISTED: 'WISHLISTED',
  PURCHASED: 'PURCHASED',
  RECOMMENDED: 'RECOMMENDED',
  CLICKED: 'CLICKED',
} as const;
export type InteractionKind = (typeof InteractionKind)[keyof typeof InteractionKind];
export const INTERACTION_KINDS = Object.values(InteractionKind);

/** The relationship each interaction event type feeds. */
export const KIND_OF_EVENT: Readonly<Record<InteractionEventType, InteractionKind>> = {
  view: InteractionKind.VIEWED,
  cart_add: InteractionKind.CARTED,
  cart_remove: InteractionKind.CART_REMOVED,
  wishlist_add: InteractionKind.WISHLISTED,
  purchase: InteractionKind.PURCHASED,
  recommendation_view: InteractionKind.RECOMMENDED,
  recommendation_click: InteractionKind.CLICKED,
};

/**
 * How strongly one event of each type signals interest in its item (issue 9): a purchase
 * counts five views; removing an item from the cart counts against it. Recommendation scores
 * and derived keywords weigh events by these, each also decayed by its age
 * ({@link recencyDecay}).
 */
export const INTERACTION_WEIGHTS: Readonly<Record<InteractionEventType, number>> = {
  purchase: 5,
  cart_add: 3,
  wishlist_add: 2,
  recommendation_click: 1.5,
  view: 1,
  recommendation_view: 0.5,
  cart_remove: -1,
};

/** The same weights by relationship type, for scores computed from graph edges. */
export const KIND_WEIGHTS: Readonly<Record<InteractionKind, number>> = Object.fromEntries(
  INTERACTION_EVENT_TYPES.map((type) => [KIND_OF_EVENT[type], INTERACTION_WEIGHTS[type]]),
) as Record<InteractionKind, number>;

/** Days for an event's weight to fall to 1/e (about 37 %): exp(−ageInDays / 30). */
export const RECENCY_DECAY_DAYS = 30;

/**
 * The factor an event's weight is multiplied by for its age: exp(−days / 30). An event dated
 * in the future counts as new (factor 1).
 */
export function recencyDecay(occurredAt: Date, now: Date = new Date()): number {
  const days = Math.max(0, now.getTime() - occurredAt.getTime()) / 86_400_000;
  return Math.exp(-days / RECENCY_DECAY_DAYS);
}

export function isInteractionEventType(type: string): type is InteractionEventType {
  return (INTERACTION_EVENT_TYPES as readonly string[]).includes(type);
}

/** The node label of an interaction's item; the only labels that reach its statements. */
export const InteractionTarget = { PRODUCT: 'Product', CONTENT: 'Content' } as const;
export type InteractionTarget = (typeof InteractionTarget)[keyof typeof InteractionTarget];
export const INTERACTION_TARGETS = Object.values(InteractionTarget);
