import { PiiMasking } from '../access/pii.masking.js';
import { defineModule } from '../module.js';
import { SuppressionKeys } from '../privacy/suppression-keys.js';
import type { IdentityDeps } from './identity.deps.js';
import { createIdentityLoaders } from './identity.loaders.js';
import { IdentityVocabulary } from './identity.normalize.js';
import { CustomerResolutionResolver, IdentityResolver } from './identity.resolver.js';
import { IdentityStore } from './identity.store.js';
import { mergeRecordAppliers } from './merge-record.follower.js';
import { MergeRecordGraph } from './merge-record.graph.js';
import { createMergeLoaders } from './merge.loaders.js';
import { MergeResolver, UnmergeResultResolver } from './merge.resolver.js';

/**
 * Identifiers and merges: lookups by identity, identify (anonymous → known) and operator
 * merges. A merge is announced on the outbox (graph.customer.merged) for every store to follow,
 * and recorded with its provenance and what undoing it needs (unmergeCustomers).
 */
export const identityModule = defineModule<IdentityDeps>({
  name: 'identity',
  resolvers: [IdentityResolver, CustomerResolutionResolver, MergeResolver, UnmergeResultResolver],
  create: (platform) => {
    const identities = new IdentityStore(platform.db);
    return {
      deps: {
        db: platform.db,
        relay: platform.relay,
        vocabulary: new IdentityVocabulary(platform.settings.customIdentityTypes),
        suppressionKeys: new SuppressionKeys(platform.settings.suppressionPepper),
        identities,
        masking: new PiiMasking(platform.settings.nonPersonalKeys),
      },
      loaders: (tuning) => ({
        ...createIdentityLoaders(identities, tuning),
        ...createMergeLoaders(platform.db, tuning),
      }),
      appliers: mergeRecordAppliers(platform.db, new MergeRecordGraph(platform.graph)),
    };
  },
});
