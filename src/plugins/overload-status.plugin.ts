import type { ApolloServerPlugin } from '@apollo/server';

import type { GraphQLContext } from '../context.js';
import { ErrorCode } from '../errors.js';

/**
 * A response that failed because the gateway is saturated answers HTTP 503 with Retry-After,
 * so clients and load balancers back off instead of reading a 200 as success.
 */
export function overloadStatusPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        willSendResponse({ response }) {
          if (response.body.kind !== 'single') {
            return Promise.resolve();
          }
          const overloaded = response.body.singleResult.errors?.find(
            (error) => error.extensions?.['code'] === ErrorCode.OVERLOADED,
          );
          if (overloaded) {
            response.http.status = 503;
            response.http.headers.set(
              'retry-after',
              String(overloaded.extensions?.['retryAfter'] ?? 1),
            );
          }
          return Promise.resolve();
        },
      }),
  };
}
