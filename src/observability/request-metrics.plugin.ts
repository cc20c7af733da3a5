import type { ApolloServerPlugin } from '@apollo/server';

import type { GatewayMetrics, Outcome } from './metrics.js';

/**
 * Times each HTTP GraphQL operation from the start of Apollo's request pipeline to its
 * response, labelled by operation name (bounded, see GatewayMetrics) and outcome: `ok` without
 * errors, `partial` with data and errors, `error` without data (parse, validation, access...).
 * Requests refused before Apollo (400 on a malformed body, 429) are not operations.
 */
export function requestMetricsPlugin<TContext extends object>(
  metrics: GatewayMetrics,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ response, operation, operationName }) {
          const seconds = (performance.now() - started) / 1000;
          const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const outcome: Outcome =
            result === undefined || !result.errors?.length
              ? 'ok'
              : result.data === undefined || result.data === null
                ? 'error'
                : 'partial';
          metrics.observeRequest(operation ? operationName : undefined, outcome, seconds);
        },
      };
    },
  };
}
