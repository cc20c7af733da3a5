/**
 * Subscription topics. Each name is also the Redis channel that fans the event out to every
 * gateway instance, so it is prefixed and versioned like any other Redis key.
 */
export const Topic = {
  CustomerUpdated: 'c360:topic:customer-updated:v1',
} as const;

/** What is published on {@link Topic.CustomerUpdated}: ids only; subscribers load fresh rows. */
export interface CustomerUpdatedPayload {
  customerId: string;
  updatedAt: string;
}
