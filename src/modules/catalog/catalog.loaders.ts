import DataLoader from 'dataloader';

import type { LoaderTuning } from '../../lib/loader-tuning.js';

import { alignToKeys, groupToKeys } from '../../lib/align-to-keys.js';
import type { CampaignStore } from './campaign.store.js';
import type { CampaignRecord, CatalogGraph, InteractionRecord } from './catalog.graph.js';
import type { Campaign, Content, Product } from './catalog.type.js';
import type { ContentStore } from './content.store.js';
import type { ProductStore } from './product.store.js';

/** A per-customer list lookup: whose, and how many. */
export interface CustomerListKey {
  customerId: string;
  first: number;
}

export type CatalogLoaders = ReturnType<typeof createCatalogLoaders>;

/**
 * Per-request loaders of the catalog module: catalog rows by id from PostgreSQL, and each
 * customer's interactions and campaigns from Neo4j, one round trip per field kind (and page
 * size) however many customers a response holds.
 */
export function createCatalogLoaders(
  stores: {
    products: ProductStore;
    contents: ContentStore;
    campaigns: CampaignStore;
    graph: CatalogGraph;
  },
  tuning: LoaderTuning,
) {
  return {
    productById: new DataLoader<string, Product | null>(
      async (ids) => alignToKeys(ids, await stores.products.findByIds(ids), (p) => p.id),
      { ...tuning, name: 'productById' },
    ),
    contentById: new DataLoader<string, Content | null>(
      async (ids) => alignToKeys(ids, await stores.contents.findByIds(ids), (c) => c.id),
      { ...tuning, name: 'contentById' },
    ),
    campaignById: new DataLoader<string, Campaign | null>(
      async (ids) => alignToKeys(ids, await stores.campaigns.findByIds(ids), (c) => c.id),
      { ...tuning, name: 'campaignById' },
    ),
    interactionsByCustomerId: new DataLoader<CustomerListKey, InteractionRecord[], string>(
      (keys) =>
        byPageSize(keys, (ids, first) => stores.graph.listInteractionsByCustomerIds(ids, first)),
      {
        ...tuning,
        name: 'interactionsByCustomerId',
        cacheKeyFn: (key) => `${key.customerId}:${key.first}`,
      },
    ),
    campaignsByCustomerId: new DataLoader<CustomerListKey, CampaignRecord[], string>(
      (keys) =>
        byPageSize(keys, (ids, first) => stores.graph.listCampaignsByCustomerIds(ids, first)),
      {
        ...tuning,
        name: 'campaignsByCustomerId',
        cacheKeyFn: (key) => `${key.customerId}:${key.first}`,
      },
    ),
  };
}

/** One call per distinct page size (in practice one per request), grouped back per key. */
async function byPageSize<R extends { customerId: string }>(
  keys: readonly CustomerListKey[],
  load: (customerIds: string[], first: number) => Promise<R[]>,
): Promise<R[][]> {
  const results = new Map<string, R[]>();
  for (const first of new Set(keys.map((key) => key.first))) {
    const ids = [...new Set(keys.filter((key) => key.first === first).map((k) => k.customerId))];
    const rows = await load(ids, first);
    groupToKeys(ids, rows, (row) => row.customerId).forEach((group, i) =>
      results.set(`${ids[i]}:${first}`, group),
    );
  }
  return keys.map((key) => results.get(`${key.customerId}:${key.first}`) ?? []);
}
