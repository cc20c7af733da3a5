import { IdentityVocabulary } from '../identity/identity.normalize.js';
import { defineModule } from '../module.js';
import { SuppressionKeys } from '../privacy/suppression-keys.js';
import type { EventDeps } from './event.deps.js';
import { createEventLoaders } from './event.loaders.js';
import { EventResolver } from './event.resolver.js';
import { EventStore } from './event.store.js';

/**
 * Behavioural events: idempotent tracking (one at a time or in batches) and each customer's
 * timeline. Accepted events are announced on the outbox (events.accepted) for followers.
 */
export const eventModule = defineModule<EventDeps>({
  name: 'event',
  resolvers: [EventResolver],
  create: (platform) => ({
    deps: {
      db: platform.db,
      relay: platform.relay,
      vocabulary: new IdentityVocabulary(platform.settings.customIdentityTypes),
      suppressionKeys: new SuppressionKeys(platform.settings.suppressionPepper),
      batchMaxSize: platform.settings.batchMaxSize,
      afterCommit: platform.afterCommit,
    },
    loaders: (tuning) => createEventLoaders(new EventStore(platform.db), tuning),
  }),
});
