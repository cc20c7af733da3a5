import { finished } from 'node:stream';

import type { RequestHandler, Response } from 'express';

import { ErrorCode } from '../errors.js';
import { Access } from '../modules/access/access.js';
import type { ApiKeyService } from '../modules/access/api-key.service.js';
import type { RateLimits } from './rate-limits.js';

/**
 * Authenticates an HTTP GraphQL request and applies the rate limits before any resolver runs:
 * an address over its failed-authentication budget, a key over its per-minute budget or over
 * its concurrent operations answers 429 with Retry-After. The caller's Access is left in
 * `res.locals.access` for the context. Requests without a key (the Sandbox page) pass on: their
 * operations fail with UNAUTHENTICATED anyway.
 */
export function admission(apiKeys: ApiKeyService, limits: RateLimits): RequestHandler {
  return async (req, res, next) => {
    const address = limits.addressOf(req);
    try {
      const refused = await limits.addressRefused(address);
      if (refused !== null) {
        tooMany(res, refused, 'too many failed authentications from this address');
        return;
      }
      const access = await Access.authenticate(apiKeys, req.headers.authorization);
      if (access.failure === 'invalid') {
        const blocked = await limits.authFailed(address);
        if (blocked !== null) {
          tooMany(res, blocked, 'too many failed authentications from this address');
          return;
        }
      }
      const keyId = access.viewer?.keyId;
      if (keyId !== undefined) {
        const wait = await limits.admitKey(keyId);
        if (wait !== null) {
          tooMany(res, wait, 'this API key has used its operations for this minute');
          return;
        }
        const release = limits.enter(keyId);
        if (release === null) {
          tooMany(res, 1, 'this API key already runs as many operations as it may at once');
          return;
        }
        releaseWhenAnswered(res, release);
      }
      res.locals['access'] = access;
      next();
    } catch (error) {
      next(error);
    }
  };
}

/**
 * Frees a running operation's place once its response is sent, or at once when the client
 * went away while admission awaited the stores: a 'close' listener added after the response
 * closed is never called, and the place would stay taken for good (the key refused 429 after
 * as many disconnects as its limit). `finished` also reports a stream that already closed.
 */
export function releaseWhenAnswered(res: Response, release: () => void): void {
  finished(res, () => release());
}

function tooMany(res: Response, retryAfter: number, message: string): void {
  res
    .status(429)
    .set('Retry-After', String(retryAfter))
    .json({ errors: [{ message, extensions: { code: ErrorCode.RATE_LIMITED, retryAfter } }] });
}
