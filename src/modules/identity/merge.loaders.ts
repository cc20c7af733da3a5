import DataLoader from 'dataloader';

import { alignToKeys } from '../../lib/align-to-keys.js';
import type { LoaderTuning } from '../../lib/loader-tuning.js';
import { type MergeRecord, MergeRecordStore } from './merge-record.store.js';
import type { Queryable } from '../../datasources/postgres.js';

export type MergeLoaders = ReturnType<typeof createMergeLoaders>;

declare module '../../context.js' {
  interface Loaders extends MergeLoaders {}
}

/** Per-request loaders of merge records (provenance). */
export function createMergeLoaders(db: Queryable, tuning: LoaderTuning) {
  const store = new MergeRecordStore(db);
  return {
    mergeById: new DataLoader<string, MergeRecord | null>(
      async (ids) => alignToKeys(ids, await store.findByIds(ids), (r) => r.id),
      { ...tuning, name: 'mergeById' },
    ),
    // A merge concerns two customers, so one record may answer two keys.
    mergesByCustomerId: new DataLoader<string, MergeRecord[]>(
      async (ids) => {
        const records = await store.listByCustomerIds(ids);
        return ids.map((id) => records.filter((r) => r.survivorId === id || r.mergedId === id));
      },
      { ...tuning, name: 'mergesByCustomerId' },
    ),
  };
}
