import DataLoader from 'dataloader';

import { groupToKeys } from '../../lib/align-to-keys.js';
import { guardedBatch } from '../../lib/guarded-batch.js';
import type { ConsentStore, CustomerConsent } from './consent.store.js';

/** Per-request loaders of the consent module. */
export function createConsentLoaders(store: ConsentStore) {
  return {
    consentsByCustomerId: new DataLoader<string, CustomerConsent[]>(
      guardedBatch('postgres', async (ids) =>
        groupToKeys(ids, await store.listByCustomerIds(ids), (c) => c.customerId),
      ),
      { name: 'consentsByCustomerId' },
    ),
  };
}
