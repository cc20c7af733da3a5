import DataLoader from 'dataloader';

import type { LoaderTuning } from '../../lib/loader-tuning.js';

import { alignToKeys, groupToKeys } from '../../lib/align-to-keys.js';
import type { CustomerGraph, RelativeRecord } from './customer.graph.js';
import type { CustomerStore, SimilarCustomerRow } from './customer.store.js';
import type { Customer } from './customer.type.js';

/** A similarity lookup: whose neighbours, and how many. */
export interface SimilarKey {
  customerId: string;
  first: number;
}

export type CustomerLoaders = ReturnType<typeof createCustomerLoaders>;

/**
 * Per-request loaders for the customer module: each field kind costs one batched call per
 * store however many customers a response holds. A store failure rejects only the loads of
 * that batch, with an error naming the store.
 */
export function createCustomerLoaders(
  stores: { customers: CustomerStore; graph: CustomerGraph },
  tuning: LoaderTuning,
) {
  return {
    customerById: new DataLoader<string, Customer | null>(
      async (ids) =>
        alignToKeys(ids, await stores.customers.resolveByIds(ids), (r) => r.requestedId).map(
          (r) => r?.customer ?? null,
        ),
      { ...tuning, name: 'customerById' },
    ),
    mergedIdsBySurvivorId: new DataLoader<string, string[]>(
      async (ids) =>
        groupToKeys(
          ids,
          await stores.customers.listMergedIdsBySurvivorIds(ids),
          (r) => r.survivorId,
        ).map((rows) => rows.map((r) => r.mergedId)),
      { ...tuning, name: 'mergedIdsBySurvivorId' },
    ),
    relativesByCustomerId: new DataLoader<string, RelativeRecord[]>(
      async (ids) =>
        groupToKeys(ids, await stores.graph.listRelativesByCustomerIds(ids), (r) => r.customerId),
      { ...tuning, name: 'relativesByCustomerId' },
    ),
    similarByCustomerId: new DataLoader<SimilarKey, SimilarCustomerRow[], string>(
      (keys) => loadSimilar(stores.customers, keys),
      {
        ...tuning,
        name: 'similarByCustomerId',
        cacheKeyFn: (key) => `${key.customerId}:${key.first}`,
      },
    ),
  };
}

/** One statement per distinct page size (in practice one per request). */
async function loadSimilar(
  store: CustomerStore,
  keys: readonly SimilarKey[],
): Promise<SimilarCustomerRow[][]> {
  const results = new Map<string, SimilarCustomerRow[]>();
  for (const first of new Set(keys.map((key) => key.first))) {
    const ids = keys.filter((key) => key.first === first).map((key) => key.customerId);
    const rows = await store.listSimilarByCustomerIds(ids, first);
    groupToKeys(ids, rows, (row) => row.customerId).forEach((group, i) =>
      results.set(`${ids[i]}:${first}`, group),
    );
  }
  return keys.map((key) => results.get(`${key.customerId}:${key.first}`) ?? []);
}
