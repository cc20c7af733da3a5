import { applier } from '../../outbox/outbox.topic.js';
import { CampaignTargeted } from '../catalog/catalog.topics.js';
import { EventsAccepted } from '../event/event.topics.js';
import { CustomerMerged } from '../identity/identity.topics.js';
import { defineModule } from '../module.js';
import {
  CustomerCampaignResolver,
  CustomerInteractionsResolver,
  ProductInteractionResolver,
} from './customer-interactions.resolver.js';
import { InteractionGraph } from './interaction.graph.js';
import { createInteractionLoaders } from './interaction.loaders.js';
import { InteractionFollower } from './interaction.service.js';

/**
 * What customers did with the catalog, kept in the knowledge graph: viewed, carted and
 * purchased products, campaigns that targeted them and their responses. It writes nothing on
 * requests; it follows the outbox (events, targeting, merges) and answers
 * `Customer.interactions` and `Customer.campaigns`.
 */
export const interactionModule = defineModule({
  name: 'interaction',
  resolvers: [CustomerInteractionsResolver, ProductInteractionResolver, CustomerCampaignResolver],
  create: (platform) => {
    const graph = new InteractionGraph(platform.graph);
    const follower = new InteractionFollower(platform.db, graph);
    return {
      deps: {},
      loaders: (tuning) => createInteractionLoaders(graph, tuning),
      appliers: [
        applier(EventsAccepted, (batches) => follower.followEvents(batches)),
        applier(CampaignTargeted, (rows) => graph.mergeTargeted(rows)),
        applier(CustomerMerged, (pairs) => follower.followMerges(pairs)),
      ],
    };
  },
});
