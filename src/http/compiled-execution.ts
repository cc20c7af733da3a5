import type {
  GatewayExecutionResult,
  GatewayExecutor,
  GatewayGraphQLRequestContext,
  GatewayInterface,
} from '@apollo/server-gateway-interface';
import {
  execute,
  GraphQLError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  printSchema,
  type SourceLocation,
  valueFromASTUntyped,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values.js';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';

import type { Logger } from '../logger.js';

/** Distinct operations kept compiled; clients send a handful of shapes, so this is plenty. */
const COMPILED_OPERATIONS = 1_000;

/** An operation as graphql-jit compiled it, with its variables' defaults as a client would send them. */
interface Compiled {
  query: CompiledQuery;
  defaults: [name: string, value: unknown][];
}

/** What graphql-jit reports: its own error class, not graphql-js's. */
interface JitError {
  message: string;
  locations?: readonly SourceLocation[];
  path?: readonly (string | number)[];
  originalError?: Error;
  extensions?: Record<string, unknown>;
}

/**
 * Runs HTTP operations with graphql-jit: each operation is compiled once to a JavaScript
 * function and kept, so a repeated 360 read skips graphql-js's per-field interpretation (about
 * a fifth of the gateway's CPU on a read served from documents). The resolvers are the same
 * ones, access policy included; parsing and validation stay Apollo's, variables are checked by
 * graphql-js (and coerced by graphql-jit), and errors are handed back as graphql-js errors, so
 * that a client sees the very answer, error codes included, that graphql-js would give. An operation graphql-jit cannot
 * compile runs on graphql-js.
 *
 * Apollo Server 5 takes a custom executor only through its gateway interface, hence the shape:
 * it hands Apollo the schema and the executor, and nothing else about the pipeline changes.
 */
export function compiledExecution(schema: GraphQLSchema, logger: Logger): GatewayInterface {
  const log = logger.child({ module: 'compiled-execution' });
  const compiled = new LRUCache<string, Compiled | 'interpret'>({ max: COMPILED_OPERATIONS });

  const compile = (request: GatewayGraphQLRequestContext): Compiled | 'interpret' => {
    const cacheKey = `${request.queryHash}\u0000${request.operationName ?? ''}`;
    let entry = compiled.get(cacheKey);
    if (entry === undefined) {
      const result = compileQuery(schema, request.document, request.operationName ?? undefined);
      if (isCompiledQuery(result)) {
        entry = { query: result, defaults: defaultsOf(request.operation) };
      } else {
        log.warn(
          { operationName: request.operationName, errors: result.errors?.map((e) => e.message) },
          'graphql-jit cannot compile this operation; it runs on graphql-js',
        );
        entry = 'interpret';
      }
      compiled.set(cacheKey, entry);
    }
    return entry;
  };

  const interpret = async (request: GatewayGraphQLRequestContext) =>
    (await execute({
      schema,
      document: request.document,
      contextValue: request.context,
      variableValues: request.request.variables ?? {},
      operationName: request.operationName,
    })) as GatewayExecutionResult;

  const executor: GatewayExecutor = async (request) => {
    // Several operations and no operation name (or an unknown one): graphql-js says so.
    // Apollo's typings promise an operation here, but it passes none in that case.
    if ((request.operation as OperationDefinitionNode | undefined) === undefined) {
      return interpret(request);
    }
    const entry = compile(request);
    const variables = request.request.variables ?? {};
    // graphql-js words a bad variable the way Apollo recognises (400, BAD_USER_INPUT); its
    // coerced values (null-prototype objects) are not graphql-jit's input, so only checked.
    const invalid = getVariableValues(
      schema,
      request.operation.variableDefinitions ?? [],
      variables,
    ).errors;
    if (entry === 'interpret' || invalid) {
      return interpret(request);
    }
    const result = await entry.query.query(
      undefined,
      request.context,
      withDefaults(variables, entry.defaults),
    );
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
  };

  return {
    onSchemaLoadOrUpdate: (callback) => {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => undefined;
    },
    load: () => Promise.resolve({ executor }),
    stop: () => Promise.resolve(),
  };
}

/**
 * graphql-jit refuses a missing non-null variable even when it has a default (graphql-js and
 * the spec take the default), so absent variables get their defaults before it sees them.
 */
function defaultsOf(operation: OperationDefinitionNode): [string, unknown][] {
  return (operation.variableDefinitions ?? []).flatMap((definition) =>
    definition.defaultValue === undefined
      ? []
      : [[definition.variable.name.value, valueFromASTUntyped(definition.defaultValue)]],
  );
}

function withDefaults(
  variables: Record<string, unknown>,
  defaults: [string, unknown][],
): Record<string, unknown> {
  const absent = defaults.filter(([name]) => !(name in variables));
  return absent.length === 0 ? variables : { ...Object.fromEntries(absent), ...variables };
}

/**
 * graphql-jit's errors as graphql-js's. Its own class passes `instanceof GraphQLError`, but its
 * message cannot be rewritten, which Apollo plugins do (graphql-armor masks "Did you mean"
 * hints in production): every error it reports is rebuilt as graphql-js would have built it.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  const jit = error as JitError;
  const converted = new GraphQLError(jit.message, {
    ...(jit.path !== undefined && { path: jit.path }),
    ...(jit.originalError !== undefined && { originalError: jit.originalError }),
    ...(jit.extensions !== undefined && { extensions: jit.extensions }),
  });
  // graphql-js computes locations from AST nodes, which graphql-jit does not keep.
  (converted as { locations: readonly SourceLocation[] | undefined }).locations = jit.locations;
  return converted;
}
