import DataLoader from 'dataloader';

import { groupToKeys } from '../../lib/align-to-keys.js';
import { batchByShape, shapeCacheKey } from '../../lib/batch-by-shape.js';
import type { LoaderTuning } from '../../lib/loader-tuning.js';
import type { RelatedRecord, RelationshipGraph, RelativeRecord } from './relationship.graph.js';
import type { Relationship } from './relationship.kinds.js';

/** A walk: whose relatives, over which relationship types, how far. */
export interface RelatedKey {
  customerId: string;
  types: readonly Relationship[];
  depth: number;
}

/** Equal type sets share a statement, whatever their order. */
const walkShape = (key: RelatedKey) => `${[...key.types].sort().join('|')}*${key.depth}`;

export type RelationshipLoaders = ReturnType<typeof createRelationshipLoaders>;

declare module '../../context.js' {
  interface Loaders extends RelationshipLoaders {}
}

/**
 * Per-request loaders for the customer–customer graph: one Neo4j round trip for family, one
 * for households, and one per distinct walk shape (types and depth; in practice one per
 * field) however many customers a response holds.
 */
export function createRelationshipLoaders(graph: RelationshipGraph, tuning: LoaderTuning) {
  return {
    relativesByCustomerId: new DataLoader<string, RelativeRecord[]>(
      async (ids) =>
        groupToKeys(ids, await graph.listRelativesByCustomerIds(ids), (r) => r.customerId),
      { ...tuning, name: 'relativesByCustomerId' },
    ),
    relatedByCustomerId: new DataLoader<RelatedKey, RelatedRecord[], string>(
      batchByShape(walkShape, (ids, key) => graph.listRelated(ids, key.types, key.depth)),
      { ...tuning, name: 'relatedByCustomerId', cacheKeyFn: shapeCacheKey(walkShape) },
    ),
    householdByCustomerId: new DataLoader<string, RelatedRecord[]>(
      async (ids) => groupToKeys(ids, await graph.listHouseholds(ids), (r) => r.customerId),
      { ...tuning, name: 'householdByCustomerId' },
    ),
  };
}
