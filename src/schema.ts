import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema } from 'type-graphql';

import {
  CustomerResolutionResolver,
  CustomerUpdatedResolver,
  RelativeResolver,
  SimilarCustomerResolver,
} from './modules/customer/customer-ref.resolver.js';
import { CampaignResolver } from './modules/catalog/campaign.resolver.js';
import { ContentResolver } from './modules/catalog/content.resolver.js';
import {
  CustomerCampaignResolver,
  CustomerCatalogResolver,
  ProductInteractionResolver,
} from './modules/catalog/customer-catalog.resolver.js';
import { ProductResolver } from './modules/catalog/product.resolver.js';
import { ConsentResolver } from './modules/consent/consent.resolver.js';
import { CustomerResolver } from './modules/customer/customer.resolver.js';
import { EventResolver } from './modules/event/event.resolver.js';
import { IdentityResolver } from './modules/identity/identity.resolver.js';
import { PrivacyResolver } from './modules/privacy/privacy.resolver.js';
import { RelationshipResolver } from './modules/relationship/relationship.resolver.js';
import type { GatewayPubSub } from './subscriptions/pubsub.js';

/**
 * Builds the executable schema from the decorated resolvers. Inputs are validated with
 * class-validator before any resolver runs.
 */
export function buildGatewaySchema(pubSub: GatewayPubSub): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [
      CustomerResolver,
      IdentityResolver,
      EventResolver,
      ConsentResolver,
      RelationshipResolver,
      PrivacyResolver,
      RelativeResolver,
      SimilarCustomerResolver,
      CustomerUpdatedResolver,
      CustomerResolutionResolver,
      ProductResolver,
      ContentResolver,
      CampaignResolver,
      CustomerCatalogResolver,
      ProductInteractionResolver,
      CustomerCampaignResolver,
    ],
    pubSub,
    validate: { forbidUnknownValues: false },
  });
}

/** The SDL committed as `schema/schema.graphql`: sorted, so diffs show real contract changes. */
export function printGatewaySchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
