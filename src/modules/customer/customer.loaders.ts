import DataLoader from 'dataloader';

import { alignToKeys, groupToKeys } from '../../lib/align-to-keys.js';
import type { LoaderTuning } from '../../lib/loader-tuning.js';
import type { CustomerStore } from './customer.store.js';
import type { Customer } from './customer.type.js';

export type CustomerLoaders = ReturnType<typeof createCustomerLoaders>;

declare module '../../context.js' {
  interface Loaders extends CustomerLoaders {}
}

/**
 * Per-request loaders for the customer module: each field kind costs one batched statement
 * however many customers a response holds.
 */
export function createCustomerLoaders(customers: CustomerStore, tuning: LoaderTuning) {
  return {
    customerById: new DataLoader<string, Customer | null>(
      async (ids) =>
        alignToKeys(ids, await customers.resolveByIds(ids), (r) => r.requestedId).map(
          (r) => r?.customer ?? null,
        ),
      { ...tuning, name: 'customerById' },
    ),
    mergedIdsBySurvivorId: new DataLoader<string, string[]>(
      async (ids) =>
        groupToKeys(ids, await customers.listMergedIdsBySurvivorIds(ids), (r) => r.survivorId).map(
          (rows) => rows.map((r) => r.mergedId),
        ),
      { ...tuning, name: 'mergedIdsBySurvivorId' },
    ),
  };
}
