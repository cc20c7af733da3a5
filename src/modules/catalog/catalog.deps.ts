import type { CampaignStore } from './campaign.store.js';
import type { CatalogWriteDeps } from './catalog.service.js';
import type { ContentStore } from './content.store.js';
import type { ProductStore } from './product.store.js';

/** What the catalog's resolvers are built with (see catalog.module.ts). */
export interface CatalogDeps extends CatalogWriteDeps {
  products: ProductStore;
  contents: ContentStore;
  campaigns: CampaignStore;
  batchMaxSize: number;
}
