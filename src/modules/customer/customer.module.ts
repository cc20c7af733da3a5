import { latestById } from '../../lib/align-to-keys.js';
import { applier } from '../../outbox/outbox.topic.js';
import { PiiMasking } from '../access/pii.masking.js';
import { IdentityVocabulary } from '../identity/identity.normalize.js';
import { CustomerMerged } from '../identity/identity.topics.js';
import { defineModule } from '../module.js';
import { CustomerErased } from '../privacy/privacy.topics.js';
import { SuppressionKeys } from '../privacy/suppression-keys.js';
import type { CustomerDeps } from './customer.deps.js';
import { CustomerGraph } from './customer.graph.js';
import { createCustomerLoaders } from './customer.loaders.js';
import { CustomerResolver } from './customer.resolver.js';
import { CustomerStore } from './customer.store.js';
import { CustomerUpserted } from './customer.topics.js';

/** Profiles: the Customer node, its listing and search, bulk upserts. */
export const customerModule = defineModule<CustomerDeps>({
  name: 'customer',
  resolvers: [CustomerResolver],
  create: (platform) => {
    const customers = new CustomerStore(platform.db);
    const graph = new CustomerGraph(platform.graph);
    return {
      deps: {
        db: platform.db,
        relay: platform.relay,
        vocabulary: new IdentityVocabulary(platform.settings.customIdentityTypes),
        suppressionKeys: new SuppressionKeys(platform.settings.suppressionPepper),
        customers,
        batchMaxSize: platform.settings.batchMaxSize,
        masking: new PiiMasking(platform.settings.nonPersonalKeys),
      },
      loaders: (tuning) => createCustomerLoaders(customers, tuning),
      appliers: [
        // A customer renamed twice in one run ends with the second name.
        applier(CustomerUpserted, (rows) => graph.mergeCustomers(latestById(rows)), {
          graph: true,
        }),
        applier(CustomerErased, (rows) => graph.deleteNodes(rows.map((row) => row.id)), {
          graph: true,
        }),
        // Last among the followers of a merge: every module has moved its edges by then.
        applier(CustomerMerged, (pairs) => graph.deleteNodes(pairs.map((p) => p.mergedId)), {
          order: 100,
          graph: true,
        }),
      ],
    };
  },
});
