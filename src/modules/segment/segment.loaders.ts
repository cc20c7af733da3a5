import DataLoader from 'dataloader';

import { alignToKeys, groupToKeys } from '../../lib/align-to-keys.js';
import type { LoaderTuning } from '../../lib/loader-tuning.js';
import type { SegmentReadStore } from './segment-read.store.js';
import type { SegmentRow, SegmentStore } from './segment.store.js';

export type SegmentLoaders = ReturnType<typeof createSegmentLoaders>;

declare module '../../context.js' {
  interface Loaders extends SegmentLoaders {}
}

/** Per-request loaders of the segment module. */
export function createSegmentLoaders(
  segments: SegmentStore,
  reads: SegmentReadStore,
  tuning: LoaderTuning,
) {
  return {
    segmentById: new DataLoader<string, SegmentRow | null>(
      async (ids) => alignToKeys(ids, await segments.byIds(ids), (s) => s.id),
      { ...tuning, name: 'segmentById' },
    ),
    segmentBuildById: new DataLoader<
      string,
      { version: number; evaluated: number; total: number } | null
    >(async (ids) => alignToKeys(ids, await reads.buildsOf(ids), (b) => b.segmentId), {
      ...tuning,
      name: 'segmentBuildById',
    }),
    segmentMembershipsByCustomerId: new DataLoader<
      string,
      { customerId: string; segmentId: string; since: Date }[]
    >(async (ids) => groupToKeys(ids, await reads.membershipsOf(ids), (m) => m.customerId), {
      ...tuning,
      name: 'segmentMembershipsByCustomerId',
    }),
  };
}
