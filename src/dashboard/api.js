// The gateway's GraphQL API over HTTP (queries) and graphql-ws (subscriptions), authenticated
// with the key the viewer typed in.
/* global fetch, location, URL, graphqlWs, setTimeout */

/** Beside /dashboard/, so the page works under any path prefix the gateway is mounted at. */
const HTTP_URL = new URL('../graphql', location.href).href;
const WS_URL = HTTP_URL.replace(/^http/, 'ws');

/** graphql-ws's close code for a connection the server refused (here: a bad or revoked key). */
export const FORBIDDEN_CLOSE = 4403;

/** GraphQL errors of one answer; `code` is the first error's extensions.code. */
export class GraphQLRequestError extends Error {
  constructor(errors) {
    super(errors.map((error) => error.message).join('; '));
    this.name = 'GraphQLRequestError';
    this.errors = errors;
    this.code = errors[0]?.extensions?.code ?? null;
  }
}

/** Runs one query or mutation; resolves with `data`, rejects with a GraphQLRequestError. */
export async function request(key, query, variables = {}) {
  const response = await fetch(HTTP_URL, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      authorization: `Bearer ${key}`,
    },
    body: JSON.stringify({ query, variables }),
    credentials: 'omit',
    cache: 'no-store',
  });
  let body = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's error page): reported by status below.
  }
  if (body?.errors?.length > 0) {
    throw new GraphQLRequestError(body.errors);
  }
  if (!response.ok || body?.data == null) {
    throw new GraphQLRequestError([{ message: `the gateway answered HTTP ${response.status}` }]);
  }
  return body.data;
}

/**
 * One graphql-ws connection for the page's subscriptions. It reconnects after any close but a
 * refused key (4403), waiting 1, 2, 4... up to 15 seconds; graphql-ws then sends every active
 * subscription again. `handlers`: connecting(), connected(wasRetry), closed(event), failed(error).
 */
export function openSocket(key, handlers) {
  return graphqlWs.createClient({
    url: WS_URL,
    connectionParams: { authorization: `Bearer ${key}` },
    lazy: false,
    retryAttempts: Infinity,
    shouldRetry: (event) => isCloseEvent(event) && event.code !== FORBIDDEN_CLOSE,
    retryWait: (retries) =>
      new Promise((resolve) =>
        setTimeout(resolve, Math.min(15_000, 1_000 * 2 ** retries) * (0.75 + Math.random() / 2)),
      ),
    // Pings find a socket that died silently (a sleeping laptop, a dropped proxy), so the
    // client reconnects instead of waiting forever for events.
    keepAlive: 10_000,
    on: {
      connecting: () => handlers.connecting(),
      connected: (_socket, _payload, wasRetry) => handlers.connected(wasRetry),
      closed: (event) => handlers.closed(event),
    },
    onNonLazyError: (error) => handlers.failed(error),
  });
}

/**
 * Subscribes with variables read each time the subscription is sent: graphql-ws serialises the
 * same payload again when it resubscribes after a reconnect, so the getter lets a resumed
 * subscription carry the newest cursor instead of the one it started with.
 */
export function subscribe(client, query, variables, sink) {
  const payload = {
    query,
    get variables() {
      return variables();
    },
  };
  return client.subscribe(payload, sink);
}

/** The code of a subscription's failure: a GraphQL error's extensions.code or `close:<code>`. */
export function failureCode(failure) {
  if (Array.isArray(failure)) {
    return failure[0]?.extensions?.code ?? null;
  }
  if (isCloseEvent(failure)) {
    return `close:${failure.code}`;
  }
  return failure?.code ?? null;
}

/** A readable sentence for a subscription's or request's failure. */
export function describeFailure(failure) {
  if (Array.isArray(failure)) {
    return failure.map((error) => error.message).join('; ');
  }
  if (isCloseEvent(failure)) {
    return failure.code === FORBIDDEN_CLOSE
      ? 'the gateway refused this key'
      : `the connection closed (${failure.code}${failure.reason ? `: ${failure.reason}` : ''})`;
  }
  return failure instanceof Error ? failure.message : String(failure);
}

function isCloseEvent(value) {
  return typeof value === 'object' && value !== null && 'code' in value && 'reason' in value;
}
