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
 * class-validator before any resolver runs.
 */
export function buildGatewaySchema(pubSub: GatewayPubSub): Promise<GraphQLSchema> {
  return buildSchema({
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
    ],
    pubSub,
    validate: { forbidUnknownValues: false },
  });
}

/** The SDL committed as `schema/schema.graphql`: sorted, so diffs show real contract changes. */
export function printGatewaySchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
