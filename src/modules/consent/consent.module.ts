import { defineModule } from '../module.js';
import { ErasedCustomerStore } from '../privacy/erased-customer.store.js';
import type { ConsentDeps } from './consent.deps.js';
import { createConsentLoaders } from './consent.loaders.js';
import { ConsentResolver } from './consent.resolver.js';
import { ConsentStore } from './consent.store.js';

/** Consent per purpose (analytics, personalization, marketing, AI), with its source. */
export const consentModule = defineModule<ConsentDeps>({
  name: 'consent',
  resolvers: [ConsentResolver],
  create: (platform) => {
    const consents = new ConsentStore(platform.db);
    return {
      deps: {
        db: platform.db,
        consents,
        erasedCustomers: new ErasedCustomerStore(platform.db),
        relay: platform.relay,
      },
      loaders: (tuning) => createConsentLoaders(consents, tuning),
    };
  },
});
