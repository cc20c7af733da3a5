import type { Server } from 'node:http';

import { type GraphQLSchema, specifiedRules, validate, type ValidationRule } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';

import { createContext, type Services } from '../context.js';
import type { Logger } from '../logger.js';

/** Largest WebSocket frame accepted; a GraphQL operation is far smaller. */
const MAX_FRAME_BYTES = 64 * 1024;

export interface WsServerOptions {
  httpServer: Server;
  path: string;
  schema: GraphQLSchema;
  services: Services;
  logger: Logger;
  /** The same limits HTTP operations get (depth, cost, aliases...), which graphql-ws would skip. */
  validationRules: readonly ValidationRule[];
}

/**
 * Serves graphql-ws on the HTTP server's own port and path. Each subscribe operation gets its
 * own context (and loaders). Returns the disposer that closes every socket with 1001.
 */
export function startWsServer(options: WsServerOptions) {
  const wsServer = new WebSocketServer({
    server: options.httpServer,
    path: options.path,
    maxPayload: MAX_FRAME_BYTES,
  });
  const rules = [...specifiedRules, ...options.validationRules];
  return useServer(
    {
      schema: options.schema,
      validate: (schema, document) => validate(schema, document, rules),
      context: () => createContext(options.services, options.logger),
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
