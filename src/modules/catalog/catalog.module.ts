import { applier } from '../../outbox/outbox.topic.js';
import { defineModule } from '../module.js';
import { CampaignResolver } from './campaign.resolver.js';
import { CampaignStore } from './campaign.store.js';
import type { CatalogDeps } from './catalog.deps.js';
import { CatalogGraph } from './catalog.graph.js';
import { createCatalogLoaders } from './catalog.loaders.js';
import { CampaignUpserted, ContentUpserted, ProductUpserted } from './catalog.topics.js';
import { ContentResolver } from './content.resolver.js';
import { ContentStore } from './content.store.js';
import { ProductResolver } from './product.resolver.js';
import { ProductStore } from './product.store.js';

/**
 * Products (by SKU), content and campaigns (by external id), their categories in the graph,
 * and campaign targeting.
 */
export const catalogModule = defineModule<CatalogDeps>({
  name: 'catalog',
  resolvers: [ProductResolver, ContentResolver, CampaignResolver],
  create: (platform) => {
    const stores = {
      products: new ProductStore(platform.db),
      contents: new ContentStore(platform.db),
      campaigns: new CampaignStore(platform.db),
    };
    const graph = new CatalogGraph(platform.graph);
    return {
      deps: {
        ...stores,
        db: platform.db,
        relay: platform.relay,
        batchMaxSize: platform.settings.batchMaxSize,
      },
      loaders: (tuning) => createCatalogLoaders(stores, tuning),
      appliers: [
        applier(ProductUpserted, (rows) => graph.mergeProducts(rows), { graph: true }),
        applier(ContentUpserted, (rows) => graph.mergeContent(rows), { graph: true }),
        applier(CampaignUpserted, (rows) => graph.mergeCampaigns(rows), { graph: true }),
      ],
    };
  },
});
