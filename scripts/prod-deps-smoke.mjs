// The client half of scripts/prod-deps-smoke.sh: one query over HTTP, the dashboard's files,
// then one subscription over graphql-ws that must see the change an upsertCustomer mutation
// makes. Runs from the production install, so `ws` is the one the gateway ships with. Exits
// non-zero, saying why, when any fails.
//
//   node prod-deps-smoke.mjs <http://host:port/graphql> <api key>
/* global process, console, fetch, URL, AbortSignal, setTimeout, clearTimeout, setInterval, clearInterval */
import { randomUUID } from 'node:crypto';

import WebSocket from 'ws';

const [url, apiKey] = process.argv.slice(2);
if (!url || !apiKey) {
  throw new Error('usage: node prod-deps-smoke.mjs <graphql url> <api key>');
}
const TIMEOUT_MS = 20_000;
const authorization = `Bearer ${apiKey}`;

async function graphql(query, variables = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      authorization,
    },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const body = await response.json();
  if (response.status !== 200 || body.errors) {
    throw new Error(`HTTP ${response.status}: ${JSON.stringify(body)}`);
  }
  return body.data;
}

const customerId = randomUUID();
const upsert = (n) =>
  graphql('mutation Smoke($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { id } }', {
    input: { id: customerId, displayName: `Prod smoke ${n}` },
  });

const listed = await graphql('{ customers(first: 1) { edges { node { id } } } }');
if (!Array.isArray(listed.customers?.edges)) {
  throw new Error(`unexpected answer to the HTTP query: ${JSON.stringify(listed)}`);
}
await upsert(0);
console.log('HTTP query and mutation: ok');

// The dashboard's files travel inside dist/src and its graphql-ws build comes from the
// production node_modules: both must be there.
for (const path of ['/dashboard/', '/dashboard/dashboard.js', '/dashboard/vendor/graphql-ws.js']) {
  const response = await fetch(new URL(path, url), { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (response.status !== 200 || !response.headers.get('content-security-policy')) {
    throw new Error(`GET ${path}: HTTP ${response.status}, or no Content-Security-Policy`);
  }
}
console.log('dashboard: ok');

/** Subscribes to customerUpdated over graphql-transport-ws and resolves with its first event. */
function firstUpdate() {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const fail = (error) => {
      clearTimeout(timer);
      clearInterval(trigger);
      socket.terminate();
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new Error(`no customerUpdated event within ${TIMEOUT_MS} ms`)),
      TIMEOUT_MS,
    );
    // Pub/sub does not replay, and the server listens only some time after `subscribe`
    // arrives: change the customer again until the event comes (bounded by the timer).
    let trigger;
    let sent = 0;
    const change = () => upsert((sent += 1)).catch(fail);
    socket.on('error', fail);
    socket.on('close', (code, reason) =>
      fail(new Error(`graphql-ws socket closed: ${code} ${reason.toString()}`)),
    );
    socket.on('open', () => {
      socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization } }));
    });
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString());
      switch (message.type) {
        case 'connection_ack':
          socket.send(
            JSON.stringify({
              id: 'smoke',
              type: 'subscribe',
              payload: {
                query:
                  'subscription Smoke($id: ID) { customerUpdated(id: $id) { customerId customer { displayName } } }',
                variables: { id: customerId },
              },
            }),
          );
          trigger = setInterval(change, 500);
          void change();
          break;
        case 'ping':
          socket.send(JSON.stringify({ type: 'pong' }));
          break;
        case 'next':
          clearTimeout(timer);
          clearInterval(trigger);
          socket.removeAllListeners('close');
          socket.send(JSON.stringify({ id: 'smoke', type: 'complete' }));
          socket.close(1000);
          resolve(message.payload);
          break;
        case 'error':
          fail(new Error(`subscription refused: ${JSON.stringify(message.payload)}`));
          break;
        default:
          break;
      }
    });
  });
}

const event = await firstUpdate();
if (event.errors || event.data?.customerUpdated?.customerId !== customerId) {
  throw new Error(`unexpected subscription event: ${JSON.stringify(event)}`);
}
console.log(
  `graphql-ws subscription: ok (${event.data.customerUpdated.customer?.displayName ?? 'no name'})`,
);
