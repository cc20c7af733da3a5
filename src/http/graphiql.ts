import { fileURLToPath } from 'node:url';

import express, { type RequestHandler, type Router } from 'express';

import { socketOrigins } from './dashboard.js';

/**
 * The bundle scripts/build.mjs writes (GraphiQL, React, Monaco and its workers), served from
 * beside the compiled code, so dist/src alone (what the Docker image ships) carries it.
 */
const BUNDLE_DIR = fileURLToPath(new URL('../graphiql/', import.meta.url));

/** Where the page lives; its assets sit under it, so every URL in the page is relative. */
export const GRAPHIQL_PATH = '/graphiql';

const DEFAULT_QUERY = `# GraphiQL, served by this gateway (no CDN). Run with Ctrl-Enter.
query FirstCustomers {
  customers(first: 5) {
    edges {
      node {
        id
        displayName
      }
    }
  }
}
`;

export interface GraphiqlOptions {
  /**
   * The key to preset as the Authorization header, or null: the development key on loopback
   * only (`devKeyToPreset` in landing-page.ts decides, for Sandbox and this page alike).
   */
  presetKey: string | null;
}

/**
 * GraphiQL at `/graphiql/` (`/graphiql` redirects there), for when Apollo Sandbox, which loads
 * from Apollo's CDN, cannot: offline, or behind a proxy that blocks it. The page needs no key
 * to load, so it carries the development key only when the gateway listens on loopback; anywhere
 * else the viewer pastes a key into the headers editor.
 */
export function graphiql({ presetKey }: GraphiqlOptions): Router {
  const router = express.Router({ strict: true });
  const headers =
    presetKey === null ? null : JSON.stringify({ Authorization: `Bearer ${presetKey}` }, null, 2);
  const page = renderPage({ endpoint: '../graphql', headers, defaultQuery: DEFAULT_QUERY });
  router.use(securityHeaders());
  router.get('/', (req, res) => {
    const [pathname = '', query] = req.originalUrl.split('?', 2);
    if (!pathname.endsWith('/')) {
      // The page's URLs are relative to the folder, so it is only served as one.
      res.redirect(301, `${pathname}/${query === undefined ? '' : `?${query}`}`);
      return;
    }
    // May carry the development key: never kept by a cache.
    res.set('Cache-Control', 'no-store').type('html').send(page);
  });
  router.use(
    '/assets',
    express.static(BUNDLE_DIR, {
      index: false,
      // Revalidated on each load, so a gateway upgrade never mixes old and new bundles.
      cacheControl: true,
      maxAge: 0,
    }),
  );
  return router;
}

/** The page: a container, the bundle, and its settings as inert JSON (no inline script). */
function renderPage(settings: {
  endpoint: string;
  headers: string | null;
  defaultQuery: string;
}): string {
  // `<` escaped, so no value can close the script element.
  const json = JSON.stringify(settings).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="referrer" content="no-referrer" />
    <title>GraphiQL · c360</title>
    <link rel="stylesheet" href="assets/graphiql.css" />
    <script id="graphiql-settings" type="application/json">${json}</script>
    <script type="module" src="assets/graphiql.js"></script>
  </head>
  <body>
    <div id="graphiql"></div>
  </body>
</html>
`;
}

function securityHeaders(): RequestHandler {
  return (req, res, next) => {
    res.set({
      'Content-Security-Policy': graphiqlContentSecurityPolicy(req.headers.host),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Cross-Origin-Opener-Policy': 'same-origin',
    });
    next();
  };
}

/**
 * The dashboard's policy (this origin only) plus what GraphiQL needs and nothing else: Monaco's
 * workers from this origin, the style elements and attributes Monaco and GraphiQL set from
 * script ('unsafe-inline' for styles only, never for scripts), and the fonts and icons
 * GraphiQL's stylesheet carries as data: URLs.
 */
export function graphiqlContentSecurityPolicy(host: string | undefined): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "worker-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self' data:",
    "img-src 'self' data:",
    `connect-src 'self'${socketOrigins(host)}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
