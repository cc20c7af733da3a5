import DataLoader from 'dataloader';

import { guardedBatch } from '../../lib/guarded-batch.js';
import { groupToKeys } from '../../lib/align-to-keys.js';
import type { CustomerIdentity, IdentityStore } from './identity.store.js';

export type IdentityLoaders = ReturnType<typeof createIdentityLoaders>;

/** Per-request loaders of the identity module. */
export function createIdentityLoaders(store: IdentityStore) {
  return {
    identitiesByCustomerId: new DataLoader<string, CustomerIdentity[]>(
      guardedBatch('postgres', async (ids) =>
        groupToKeys(ids, await store.listByCustomerIds(ids), (i) => i.customerId),
      ),
      { name: 'identitiesByCustomerId' },
    ),
  };
}
