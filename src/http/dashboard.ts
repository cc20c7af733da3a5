import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import express, { type RequestHandler, type Router } from 'express';

/**
 * The page's files: src/dashboard/, copied beside the compiled code by scripts/build.mjs, so
 * dist/src alone (what the Docker image and the production install ship) carries them.
 */
const PAGE_DIR = fileURLToPath(new URL('../dashboard/', import.meta.url));

/**
 * graphql-ws's browser build, served from the installed package (a runtime dependency already)
 * so the page loads nothing from anywhere but the gateway.
 */
const GRAPHQL_WS_UMD = path.join(
  path.dirname(createRequire(import.meta.url).resolve('graphql-ws/package.json')),
  'umd/graphql-ws.min.js',
);

/** `host` or `host:port`, a bracketed IPv6 address included; anything else is not echoed. */
const PLAIN_HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The segments dashboard at `/dashboard/`: static files plus graphql-ws's browser build at
 * `/dashboard/vendor/graphql-ws.js`. Every answer carries a Content-Security-Policy allowing
 * only this origin (scripts, styles, images) and connections to this origin over HTTP and
 * WebSocket; the page holds no data of its own, the viewer's API key fetches everything.
 */
export function dashboard(): Router {
  const router = express.Router({ strict: true });
  router.use(securityHeaders());
  router.get('/vendor/graphql-ws.js', (_req, res) => {
    res.type('text/javascript').sendFile(GRAPHQL_WS_UMD);
  });
  router.use(
    express.static(PAGE_DIR, {
      index: 'index.html',
      // Revalidated on each load, so a gateway upgrade never runs an old script with a new API.
      cacheControl: true,
      maxAge: 0,
    }),
  );
  return router;
}

function securityHeaders(): RequestHandler {
  return (req, res, next) => {
    res.set({
      'Content-Security-Policy': contentSecurityPolicy(req.headers.host),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Cross-Origin-Opener-Policy': 'same-origin',
    });
    next();
  };
}

/**
 * Self only. `connect-src 'self'` covers ws(s) to this origin in CSP level 3 only, so the
 * WebSocket origins are named too, from the Host header the browser sent (which is the origin
 * it loaded the page from); a host that is not plain is not echoed into a header.
 */
export function contentSecurityPolicy(host: string | undefined): string {
  const sockets = socketOrigins(host);
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    `connect-src 'self'${sockets}`,
    "base-uri 'none'",
    // The key form is handled by script; a submission without it must go nowhere.
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** ` ws://<host> wss://<host>` for a plain Host header, else nothing (never echoed unchecked). */
export function socketOrigins(host: string | undefined): string {
  return host !== undefined && PLAIN_HOST.test(host) ? ` ws://${host} wss://${host}` : '';
}
