import DataLoader from 'dataloader';

import { batchByShape, shapeCacheKey } from '../../lib/batch-by-shape.js';
import type { LoaderTuning } from '../../lib/loader-tuning.js';
import type { CustomerKeywordStore } from './customer-keywords.store.js';
import type { CustomerKeyword } from './customer-keywords.type.js';
import type { CampaignRecord, InteractionGraph, InteractionRecord } from './interaction.graph.js';

/** A per-customer list lookup: whose, and how many. */
export interface CustomerListKey {
  customerId: string;
  first: number;
}

const listShape = (key: CustomerListKey) => String(key.first);

export type InteractionLoaders = ReturnType<typeof createInteractionLoaders>;

declare module '../../context.js' {
  interface Loaders extends InteractionLoaders {}
}

/**
 * Per-request loaders of each customer's interactions and campaigns from Neo4j, and keywords
 * from PostgreSQL: one round trip per field kind (and page size) however many customers a
 * response holds.
 */
export function createInteractionLoaders(
  graph: InteractionGraph,
  keywords: CustomerKeywordStore,
  tuning: LoaderTuning,
) {
  return {
    interactionsByCustomerId: new DataLoader<CustomerListKey, InteractionRecord[], string>(
      batchByShape(listShape, (ids, key) => graph.listInteractionsByCustomerIds(ids, key.first)),
      { ...tuning, name: 'interactionsByCustomerId', cacheKeyFn: shapeCacheKey(listShape) },
    ),
    campaignsByCustomerId: new DataLoader<CustomerListKey, CampaignRecord[], string>(
      batchByShape(listShape, (ids, key) => graph.listCampaignsByCustomerIds(ids, key.first)),
      { ...tuning, name: 'campaignsByCustomerId', cacheKeyFn: shapeCacheKey(listShape) },
    ),
    keywordsByCustomerId: new DataLoader<CustomerListKey, CustomerKeyword[], string>(
      batchByShape(listShape, (ids, key) => keywords.listByCustomerIds(ids, key.first)),
      { ...tuning, name: 'keywordsByCustomerId', cacheKeyFn: shapeCacheKey(listShape) },
    ),
  };
}
