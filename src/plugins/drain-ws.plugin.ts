import type { ApolloServerPlugin } from '@apollo/server';

/**
 * Closes every graphql-ws socket (with 1001 "Going away") when Apollo Server drains, so a
 * stopping gateway leaves no subscriber hanging and clients know to reconnect elsewhere.
 */
export function drainWebSocketsPlugin(wsServer: {
  dispose(): Promise<void> | void;
}): ApolloServerPlugin {
  return {
    async serverWillStart() {
      return {
        async drainServer() {
          await wsServer.dispose();
        },
      };
    },
  };
}
