// GraphiQL served by the gateway itself: bundled at build time (scripts/build.mjs, esbuild) with
// React, Monaco and its workers, so the page loads nothing from anywhere but the gateway and
// works offline or behind a proxy that blocks CDNs (unlike Apollo Sandbox).
/* global document, location, URL, Worker */
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';

import './graphiql.css';

// Monaco's workers, bundled beside this script (GRAPHIQL_WORKERS in scripts/build.mjs). Each URL
// is written out in full so that it stays visible in the bundle (the gateway's tests fetch every
// URL the page can load).
globalThis.MonacoEnvironment = {
  getWorker(_workerId, label) {
    switch (label) {
      case 'json':
        return new Worker(new URL('./json.worker.js', import.meta.url), { type: 'module' });
      case 'graphql':
        return new Worker(new URL('./graphql.worker.js', import.meta.url), { type: 'module' });
      default:
        return new Worker(new URL('./editor.worker.js', import.meta.url), { type: 'module' });
    }
  },
};

/**
 * The page's settings, written by the gateway as JSON into a non-executable script element (so
 * the Content-Security-Policy needs no inline script): the GraphQL path relative to this page,
 * and the Authorization header to preset, if the gateway decided to preset one.
 */
const settings = JSON.parse(document.getElementById('graphiql-settings').textContent);

const endpoint = new URL(settings.endpoint, location.href);
const socket = new URL(endpoint);
socket.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';

// The header editor's values go with every HTTP request and, for subscriptions, into
// graphql-ws's connection_init payload, where the gateway reads `authorization` as well.
const fetcher = createGraphiQLFetcher({ url: endpoint.href, subscriptionUrl: socket.href });

createRoot(document.getElementById('graphiql')).render(
  createElement(GraphiQL, {
    fetcher,
    defaultQuery: settings.defaultQuery,
    ...(settings.headers === null ? {} : { initialHeaders: settings.headers }),
    // A preset key stays in this tab's memory, never in local storage.
    shouldPersistHeaders: false,
  }),
);
