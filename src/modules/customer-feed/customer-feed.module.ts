import { defineModule } from '../module.js';
import { customerFeedAppliers } from './customer-feed.follower.js';
import {
  CustomerUpdatedCustomerResolver,
  CustomerUpdatedResolver,
} from './customer-updated.resolver.js';

/**
 * Live customer changes: the customer stream of the change feed, written from the outbox for
 * every kind of write, and the resumable `customerUpdated` subscription that reads it.
 */
export const customerFeedModule = defineModule<Record<string, never>>({
  name: 'customer-feed',
  resolvers: [CustomerUpdatedResolver, CustomerUpdatedCustomerResolver],
  create: (platform) => ({
    deps: {},
    appliers: customerFeedAppliers(platform.db, platform.feed),
  }),
});
