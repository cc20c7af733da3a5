import DataLoader from 'dataloader';

import type { LoaderTuning } from '../../lib/loader-tuning.js';

import { groupToKeys } from '../../lib/align-to-keys.js';
import type { ConsentStore, CustomerConsent } from './consent.store.js';

export type ConsentLoaders = ReturnType<typeof createConsentLoaders>;

declare module '../../context.js' {
  interface Loaders extends ConsentLoaders {}
}

/** Per-request loaders of the consent module. */
export function createConsentLoaders(store: ConsentStore, tuning: LoaderTuning) {
  return {
    consentsByCustomerId: new DataLoader<string, CustomerConsent[]>(
      async (ids) => groupToKeys(ids, await store.listByCustomerIds(ids), (c) => c.customerId),
      { ...tuning, name: 'consentsByCustomerId' },
    ),
  };
}
