import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema } from 'type-graphql';

import {
  CustomerResolutionResolver,
  CustomerUpdatedResolver,
  RelatedCustomerResolver,
  RelativeResolver,
  SimilarCustomerResolver,
} from './modules/customer/customer-ref.resolver.js';
import { NodeResolver } from './modules/common/node.resolver.js';
import { AccessResolver } from './modules/access/access.resolver.js';
import { applyAccessPolicy } from './modules/access/access.policy.js';
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
import { CustomerRelationshipsResolver } from './modules/relationship/customer-relationships.resolver.js';
import { RelationshipResolver } from './modules/relationship/relationship.resolver.js';
import type { GatewayPubSub } from './subscriptions/pubsub.js';

/**
 * Builds the executable schema from the decorated resolvers. Inputs are validated with
 * class-validator before any resolver runs. Access control (scopes, masking of personal
 * fields) is applied to the built schema, so every resolver listed here is covered.
 */
export async function buildGatewaySchema(pubSub: GatewayPubSub): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [
      NodeResolver,
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
      CustomerRelationshipsResolver,
      RelatedCustomerResolver,
      AccessResolver,
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
  return applyAccessPolicy(schema);
}

/** The SDL committed as `schema/schema.graphql`: sorted, so diffs show real contract changes. */
export function printGatewaySchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
