import type { ApolloServerPlugin } from '@apollo/server';

import { ErrorCode, GatewayError } from '../errors.js';

/**
 * A subscription sent as a plain HTTP request is answered with a 400 naming graphql-ws, before
 * anything executes. Without this, graphql-js would run the subscription field's resolver as a
 * query field, without the event it expects: a TypeError, logged with its stack and answered as
 * INTERNAL_SERVER_ERROR.
 */
export function subscriptionOverHttpPlugin(webSocketPath: string): ApolloServerPlugin {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation({ operation }) {
          if (operation?.operation === 'subscription') {
            throw new GatewayError(
              ErrorCode.SUBSCRIPTION_NEEDS_GRAPHQL_WS,
              `subscriptions are served over WebSocket only: connect a graphql-ws client (protocol graphql-transport-ws) to ws://<host>${webSocketPath} and send this operation there`,
              { extensions: { http: { status: 400 } } },
            );
          }
          return Promise.resolve();
        },
      }),
  };
}
