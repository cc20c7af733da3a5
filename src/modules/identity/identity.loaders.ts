import DataLoader from 'dataloader';

import type { LoaderTuning } from '../../lib/loader-tuning.js';

import { groupToKeys } from '../../lib/align-to-keys.js';
import type { CustomerIdentity, IdentityStore } from './identity.store.js';

export type IdentityLoaders = ReturnType<typeof createIdentityLoaders>;

declare module '../../context.js' {
  interface Loaders extends IdentityLoaders {}
}

/** Per-request loaders of the identity module. */
export function createIdentityLoaders(store: IdentityStore, tuning: LoaderTuning) {
  return {
    identitiesByCustomerId: new DataLoader<string, CustomerIdentity[]>(
      async (ids) => groupToKeys(ids, await store.listByCustomerIds(ids), (i) => i.customerId),
      { ...tuning, name: 'identitiesByCustomerId' },
    ),
  };
}
