import type { ApolloServerPlugin } from '@apollo/server';
import Negotiator from 'negotiator';

import { ErrorCode } from '../errors.js';

const APPLICATION_JSON = 'application/json';
const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';

/** The request errors of a well-formed request: the document or its variables were refused. */
const REQUEST_ERROR_CODES = new Set<unknown>([
  ErrorCode.GRAPHQL_PARSE_FAILED,
  ErrorCode.GRAPHQL_VALIDATION_FAILED,
  // Apollo's code for variables that do not coerce to their declared types.
  ErrorCode.BAD_USER_INPUT,
  // A subscription sent over HTTP instead of graphql-ws.
  ErrorCode.SUBSCRIPTION_NEEDS_GRAPHQL_WS,
]);

/**
 * GraphQL over HTTP: a client that asks for `application/json` by name gets its request
 * errors (parse, validation, variable coercion) with status 200, as that legacy media type
 * prescribes, since an `application/json` 4xx may come from any proxy on the way. Everyone
 * else (`application/graphql-response+json`, `*` / `*`, no Accept) keeps Apollo's 400.
 */
export function requestErrorStatusPlugin(): ApolloServerPlugin {
  return {
    requestDidStart: () =>
      Promise.resolve({
        async willSendResponse({ request, response }) {
          if (
            response.http.status === 400 &&
            response.body.kind === 'single' &&
            response.body.singleResult.data === undefined &&
            isRequestError(response.body.singleResult.errors) &&
            asksForLegacyJson(request.http?.headers.get('accept'))
          ) {
            response.http.status = 200;
          }
        },
      }),
  };
}

function isRequestError(errors: readonly { extensions?: Record<string, unknown> }[] = []) {
  return (
    errors.length > 0 &&
    errors.every((error) => REQUEST_ERROR_CODES.has(error.extensions?.['code']))
  );
}

/**
 * True when Apollo answers in `application/json` (it negotiates with the same library) and
 * the client named that type itself, not only through a wildcard.
 */
function asksForLegacyJson(accept: string | undefined): boolean {
  if (!accept) {
    return false;
  }
  const negotiator = new Negotiator({ headers: { accept } });
  return (
    negotiator.mediaType([APPLICATION_JSON, GRAPHQL_RESPONSE_JSON]) === APPLICATION_JSON &&
    negotiator.mediaTypes().includes(APPLICATION_JSON)
  );
}
