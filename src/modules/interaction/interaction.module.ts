import { applier } from '../../outbox/outbox.topic.js';
import { CampaignTargeted } from '../catalog/catalog.topics.js';
import { EventsAccepted } from '../event/event.topics.js';
import { CustomerMerged } from '../identity/identity.topics.js';
import { defineModule } from '../module.js';
import {
  ContentInteractionResolver,
  CustomerCampaignResolver,
  CustomerInteractionsResolver,
  ProductInteractionResolver,
} from './customer-interactions.resolver.js';
import { CustomerKeywordsResolver } from './customer-keywords.resolver.js';
import { CustomerKeywordStore } from './customer-keywords.store.js';
import { InteractionGraph } from './interaction.graph.js';
import { createInteractionLoaders } from './interaction.loaders.js';
import { InteractionFollower } from './interaction.service.js';

/**
 * What customers did with the catalog, kept in the knowledge graph: products and content they
 * viewed, carted, wished for, bought or were recommended, campaigns that targeted them and
 * their responses. It writes nothing on requests; it follows the outbox (events, targeting,
 * merges) and answers `Customer.interactions`, `Customer.campaigns` and `Customer.keywords`
 * (from PostgreSQL).
 */
export const interactionModule = defineModule({
  name: 'interaction',
  resolvers: [
    CustomerInteractionsResolver,
    ProductInteractionResolver,
    ContentInteractionResolver,
    CustomerCampaignResolver,
    CustomerKeywordsResolver,
  ],
  create: (platform) => {
    const graph = new InteractionGraph(platform.graph);
    const follower = new InteractionFollower(platform.db, graph);
    return {
      deps: {},
      loaders: (tuning) =>
        createInteractionLoaders(graph, new CustomerKeywordStore(platform.db), tuning),
      appliers: [
        applier(EventsAccepted, (batches) => follower.followEvents(batches), { graph: true }),
        applier(CampaignTargeted, (rows) => graph.mergeTargeted(rows), { graph: true }),
        applier(CustomerMerged, (pairs) => follower.followMerges(pairs), { graph: true }),
      ],
    };
  },
});
