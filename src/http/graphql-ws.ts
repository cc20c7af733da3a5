import type { IncomingMessage, Server } from 'node:http';

import {
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type ValidationRule,
} from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';

import type { GraphQLContext } from '../context.js';
import { createErrorFormatter, ErrorCode, GatewayError } from '../errors.js';
import type { Logger } from '../logger.js';
import { Access } from '../modules/access/access.js';
import { auditPiiReads } from '../modules/access/pii-audit.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import { trackSubscription } from '../observability/track-subscription.js';
import { createContext, type Wiring } from '../wiring.js';
import type { RateLimits } from './rate-limits.js';
import { inputProblem } from './well-formed.js';

/** Largest WebSocket frame accepted; a GraphQL operation is far smaller. */
const MAX_FRAME_BYTES = 64 * 1024;

export interface WsServerOptions {
  httpServer: Server;
  path: string;
  schema: GraphQLSchema;
  wiring: Wiring;
  logger: Logger;
  /** The same limits HTTP operations get (depth, cost, aliases...), which graphql-ws would skip. */
  validationRules: readonly ValidationRule[];
  /** Operations one socket may run at once; the next one gets an error, the socket stays. */
  maxOperationsPerSocket: number;
  /** The most lexical tokens one operation may have, as over HTTP. */
  maxTokens: number;
  /** Introspection and "Did you mean" suggestions: off in production, as over HTTP. */
  exposeSchema: boolean;
  /** The same per-key and per-address limits as HTTP. */
  limits: RateLimits;
  /** Open subscriptions and messages sent; none when metrics are off. */
  metrics: GatewayMetrics | null;
}

/**
 * Serves graphql-ws on the HTTP server's own port and path. Each subscribe operation gets its
 * own context (and loaders). Returns the disposer that closes every socket with 1001.
 *
 * The key comes in the `connection_init` payload as `{ authorization: "Bearer <key>" }` (or,
 * for clients that can set headers, the upgrade request's Authorization header). Without a
 * valid key the socket is closed with 4403 Forbidden, graphql-ws's code for a refused
 * connection. Each operation checks the key again, so a revoked key is refused on an open
 * socket too.
 */
export function startWsServer(options: WsServerOptions) {
  const wsServer = new WebSocketServer({
    server: options.httpServer,
    path: options.path,
    maxPayload: MAX_FRAME_BYTES,
  });
  // The same hardening HTTP operations get through Apollo, which graphql-ws bypasses.
  const rules = [
    ...specifiedRules,
    ...options.validationRules,
    ...(options.exposeSchema ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
  const formatError = createErrorFormatter(options.logger);
  const tidy = (message: string) => (options.exposeSchema ? message : withoutSuggestions(message));
  const publicErrors = (errors: readonly (GraphQLError | GraphQLFormattedError)[]) =>
    errors.map((error) => {
      const json = error instanceof GraphQLError ? error.toJSON() : error;
      // An error outside any field without a code is graphql-js refusing the variables: the
      // client's input, as Apollo reports it over HTTP, not an internal failure.
      const coded =
        json.path === undefined && json.extensions?.['code'] === undefined
          ? { ...json, extensions: { ...json.extensions, code: ErrorCode.BAD_USER_INPUT } }
          : json;
      const formatted = formatError(coded, error);
      return { ...formatted, message: tidy(formatted.message) };
    });
  const { apiKeys, audit } = options.wiring.access;
  const authorizationOf = (ctx: {
    connectionParams?: Readonly<Record<string, unknown>> | undefined;
    extra: { request: IncomingMessage };
  }) => {
    const params = ctx.connectionParams ?? {};
    const fromParams = Object.entries(params).find(([k]) => k.toLowerCase() === 'authorization');
    return typeof fromParams?.[1] === 'string'
      ? fromParams[1]
      : ctx.extra.request.headers.authorization;
  };
  return useServer(
    {
      schema: options.schema,
      onConnect: async (ctx) => {
        const address = options.limits.addressOf(ctx.extra.request);
        if ((await options.limits.addressRefused(address)) !== null) {
          return false;
        }
        const access = await Access.authenticate(apiKeys, authorizationOf(ctx));
        if (access.failure === 'invalid') {
          await options.limits.authFailed(address);
        }
        if (access.failure === 'unavailable') {
          // graphql-ws closes with 4500: the client may retry, unlike after 4403.
          throw new GatewayError(ErrorCode.POSTGRES_UNAVAILABLE, 'postgres is unavailable');
        }
        return access.viewer !== null;
      },
      onSubscribe: async (ctx, _id, payload) => {
        // graphql-ws has already registered this operation, so it counts itself. Checked before
        // any await: operations sent together must see each other in the order they came.
        if (Object.keys(ctx.subscriptions).length > options.maxOperationsPerSocket) {
          return [
            new GatewayError(
              ErrorCode.BAD_USER_INPUT,
              `at most ${options.maxOperationsPerSocket} operations may run at once on one socket`,
              { extensions: { limit: options.maxOperationsPerSocket } },
            ),
          ];
        }
        const keyId = (await Access.authenticate(apiKeys, authorizationOf(ctx))).viewer?.keyId;
        const wait = keyId === undefined ? null : await options.limits.admitKey(keyId);
        if (wait !== null) {
          return [
            new GatewayError(
              ErrorCode.RATE_LIMITED,
              'this API key has used its operations for this minute',
              { extensions: { retryAfter: wait } },
            ),
          ];
        }
        return prepare(options.schema, rules, options.maxTokens, payload, tidy);
      },
      context: async (ctx) =>
        createContext(
          options.wiring,
          options.logger,
          undefined,
          await Access.authenticate(apiKeys, authorizationOf(ctx)),
        ),
      onOperation: (_ctx, _id, _payload, _args, result) => {
        const metrics = options.metrics;
        return metrics !== null && Symbol.asyncIterator in result
          ? trackSubscription(metrics, result)
          : undefined;
      },
      onNext: async (_ctx, _id, payload, args, result) => {
        options.metrics?.subscriptionMessageSent();
        const withheld = await auditPiiReads(
          audit,
          args.contextValue as GraphQLContext,
          payload.operationName ?? args.operationName ?? null,
          options.logger,
        );
        if (withheld !== null) {
          return { data: null, errors: [withheld] };
        }
        // Masked like HTTP errors: public codes pass, anything else is an internal error.
        return result.errors
          ? {
              data: result.data ?? null,
              errors: publicErrors(result.errors),
              ...(result.extensions ? { extensions: result.extensions } : {}),
            }
          : undefined;
      },
      onError: (_ctx, _id, _payload, errors) => {
        options.logger.warn(
          { errors: errors.map((e) => e.message) },
          'subscription operation rejected',
        );
      },
    },
    wsServer,
  );
}

/**
 * Parses (within the token limit) and validates (with every rule HTTP applies) one subscribe
 * message, or answers the errors for its id: a bad operation never closes the socket.
 */
function prepare(
  schema: GraphQLSchema,
  rules: readonly ValidationRule[],
  maxTokens: number,
  payload: SubscribePayload,
  tidy: (message: string) => string,
) {
  const problem = inputProblem(payload);
  if (problem !== null) {
    return [new GatewayError(ErrorCode.BAD_USER_INPUT, problem)];
  }
  let document;
  try {
    document = parse(payload.query, { maxTokens });
  } catch (error) {
    const message =
      error instanceof GraphQLError ? error.message : 'the operation cannot be parsed';
    return [new GatewayError(ErrorCode.GRAPHQL_PARSE_FAILED, message)];
  }
  const errors = validate(schema, document, rules);
  if (errors.length > 0) {
    return errors.map(
      (error) =>
        new GatewayError(ErrorCode.GRAPHQL_VALIDATION_FAILED, tidy(error.message), {
          nodes: error.nodes ?? null,
          // e.g. the cost limit's reason, limit and cost
          extensions: error.extensions,
        }),
    );
  }
  return {
    schema,
    document,
    variableValues: payload.variables ?? null,
    operationName: payload.operationName ?? null,
  };
}

/** "Cannot query field "nmae". Did you mean "name"?" → without the hint, which maps the schema. */
function withoutSuggestions(message: string): string {
  return message.replace(/ Did you mean [^?]*\?$/, '');
}
