import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema } from 'type-graphql';

import { applyAccessPolicy } from './modules/access/access.policy.js';
import type { PiiMasking } from './modules/access/pii.masking.js';
import type { AnyResolverClass } from './modules/module.js';
import type { GatewayPubSub } from './subscriptions/pubsub.js';
import { resolverClasses, type Wiring } from './wiring.js';

/**
 * Builds the executable schema from every module's resolvers. Inputs are validated with
 * class-validator before any resolver runs. Access control (scopes, masking of personal
 * fields) is applied to the built schema, so every resolver is covered.
 *
 * @param container builds resolvers with their dependencies; omitted only to print the SDL.
 */
export async function buildGatewaySchema(
  pubSub: GatewayPubSub,
  container?: Wiring['container'],
  masking?: PiiMasking,
): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: nonEmpty(resolverClasses()),
    pubSub,
    validate: { forbidUnknownValues: false },
    ...(container ? { container: { get: (cls: AnyResolverClass) => container.get(cls) } } : {}),
  });
  return applyAccessPolicy(schema, masking);
}

/** The SDL committed as `schema/schema.graphql`: sorted, so diffs show real contract changes. */
export function printGatewaySchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

function nonEmpty<T>(items: T[]): [T, ...T[]] {
  if (items.length === 0) {
    throw new Error('no module contributes a resolver');
  }
  return items as [T, ...T[]];
}
