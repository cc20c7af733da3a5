import { createHash, timingSafeEqual } from 'node:crypto';

import type { RequestHandler } from 'express';

import type { GatewayMetrics } from './metrics.js';

/**
 * `GET /metrics` in Prometheus' text format. Not behind the API keys (a scraper has none):
 * with a token, only `Authorization: Bearer <token>` is answered (401 otherwise); without
 * one, whoever reaches the port may read it, so keep the path off the public ingress.
 */
export function metricsEndpoint(metrics: GatewayMetrics, token: string | null): RequestHandler {
  const expected = token === null ? null : digest(token);
  return async (req, res, next) => {
    if (expected !== null) {
      const given = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (given === undefined || !timingSafeEqual(digest(given), expected)) {
        res.status(401).set('WWW-Authenticate', 'Bearer realm="metrics"').end();
        return;
      }
    }
    try {
      const { contentType, body } = await metrics.scrape();
      res.set('Content-Type', contentType).set('Cache-Control', 'no-store').send(body);
    } catch (error) {
      next(error);
    }
  };
}

/** Equal-length digests, so the comparison takes the same time whatever the token given. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
