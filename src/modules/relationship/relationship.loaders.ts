import DataLoader from 'dataloader';

import type { LoaderTuning } from '../../lib/loader-tuning.js';

import { groupToKeys } from '../../lib/align-to-keys.js';
import type { RelationshipType } from '../customer/customer.graph.js';
import type { RelatedRecord, RelationshipGraph } from './relationship.graph.js';

/** A walk: whose relatives, over which relationship types, how far. */
export interface RelatedKey {
  customerId: string;
  types: readonly RelationshipType[];
  depth: number;
}

/**
 * Per-request loaders for graph walks: one Neo4j round trip per distinct walk shape (types and
 * depth; in practice one per field) however many customers a response holds.
 */
export function createRelationshipLoaders(graph: RelationshipGraph, tuning: LoaderTuning) {
  return {
    relatedByCustomerId: new DataLoader<RelatedKey, RelatedRecord[], string>(
      (keys) => loadRelated(graph, keys),
      { ...tuning, name: 'relatedByCustomerId', cacheKeyFn: keyOf },
    ),
    householdByCustomerId: new DataLoader<string, RelatedRecord[]>(
      async (ids) => groupToKeys(ids, await graph.listHouseholds(ids), (r) => r.customerId),
      { ...tuning, name: 'householdByCustomerId' },
    ),
  };
}

function shapeOf(key: RelatedKey): string {
  return `${[...key.types].sort().join('|')}*${key.depth}`;
}

function keyOf(key: RelatedKey): string {
  return `${key.customerId}:${shapeOf(key)}`;
}

async function loadRelated(
  graph: RelationshipGraph,
  keys: readonly RelatedKey[],
): Promise<RelatedRecord[][]> {
  const results = new Map<string, RelatedRecord[]>();
  const shapes = new Map<string, RelatedKey[]>();
  for (const key of keys) {
    shapes.set(shapeOf(key), [...(shapes.get(shapeOf(key)) ?? []), key]);
  }
  for (const group of shapes.values()) {
    const ids = group.map((key) => key.customerId);
    const rows = await graph.listRelated(ids, group[0]!.types, group[0]!.depth);
    groupToKeys(ids, rows, (row) => row.customerId).forEach((related, i) =>
      results.set(keyOf(group[i]!), related),
    );
  }
  return keys.map((key) => results.get(keyOf(key)) ?? []);
}
