import {
  type GraphQLSchema,
  type GraphQLTypeResolver,
  isAbstractType,
  lexicographicSortSchema,
  printSchema,
} from 'graphql';
import { buildSchema, getMetadataStorage } from 'type-graphql';

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
  resolveTypesAtOnce(schema);
  return applyAccessPolicy(schema, masking);
}

/**
 * type-graphql wraps each union's and interface's `resolveType` in an async function, and
 * graphql-jit (http/compiled-execution.ts) needs the type at once. Ours all answer at once, so
 * each abstract type gets its declared function back, a class answered turned into its name.
 */
function resolveTypesAtOnce(schema: GraphQLSchema): void {
  const storage = getMetadataStorage();
  const typeNames = new Map<unknown, string>(storage.objectTypes.map((t) => [t.target, t.name]));
  for (const { name, resolveType } of [...storage.unions, ...storage.interfaceTypes]) {
    const type = schema.getType(name);
    if (resolveType === undefined || !isAbstractType(type)) {
      continue;
    }
    const atOnce: GraphQLTypeResolver<unknown, unknown> = (...args) => {
      const answer = resolveType(...args);
      if (answer instanceof Promise) {
        throw new Error(`${name}'s resolveType must answer at once, not with a promise`);
      }
      return typeof answer === 'string' ? answer : (typeNames.get(answer) ?? undefined);
    };
    type.resolveType = atOnce;
  }
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
