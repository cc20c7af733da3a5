/**
 * The customer–product relationship types, the only names that reach a Cypher statement for
 * interactions. Each is fed by one event type.
 */
export const INTERACTION_KINDS = ['VIEWED', 'CARTED', 'PURCHASED'] as const;
export type InteractionKind = (typeof INTERACTION_KINDS)[number];

/** The event type that feeds each customer–product relationship. */
export const KIND_OF_EVENT: Readonly<Record<string, InteractionKind>> = {
  view: 'VIEWED',
  cart_add: 'CARTED',
  purchase: 'PURCHASED',
};
