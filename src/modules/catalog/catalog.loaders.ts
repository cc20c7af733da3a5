import DataLoader from 'dataloader';

import { alignToKeys } from '../../lib/align-to-keys.js';
import type { LoaderTuning } from '../../lib/loader-tuning.js';
import type { CampaignStore } from './campaign.store.js';
import type { Campaign, Content, Product } from './catalog.type.js';
import type { ContentStore } from './content.store.js';
import type { ProductStore } from './product.store.js';

export type CatalogLoaders = ReturnType<typeof createCatalogLoaders>;

declare module '../../context.js' {
  interface Loaders extends CatalogLoaders {}
}

/** Per-request loaders of the catalog: rows by id, one statement per kind and request. */
export function createCatalogLoaders(
  stores: { products: ProductStore; contents: ContentStore; campaigns: CampaignStore },
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
  };
}
