/** What happened. Values are stored lower-case (`cart_add`), as tracking clients send them. */
export const EventType = {
  VIEW: 'view',
  CLICK: 'click',
  CART_ADD: 'cart_add',
  CART_REMOVE: 'cart_remove',
  WISHLIST_ADD: 'wishlist_add',
  PURCHASE: 'purchase',
  SEARCH: 'search',
  RECOMMENDATION_VIEW: 'recommendation_view',
  RECOMMENDATION_CLICK: 'recommendation_click',
  CAMPAIGN_TOUCH: 'campaign_touch',
  PAGE: 'page',
  CUSTOM: 'custom',
} as const;
export type EventType = (typeof EventType)[keyof typeof EventType];
