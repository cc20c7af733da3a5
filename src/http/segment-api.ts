import express, {
  type ErrorRequestHandler,
  type Request,
  type RequestHandler,
  type Response,
  type Router,
} from 'express';

import { ErrorCode, type GatewayError } from '../errors.js';
import { countStatuses, ItemStatus } from '../graphql/bulk.kinds.js';
import type { Logger } from '../logger.js';
import { Scope } from '../modules/access/access.kinds.js';
import type { ApiKeyService } from '../modules/access/api-key.service.js';
import type { IngestionDeps } from '../modules/ingestion/ingestion.deps.js';
import {
  ingestSegment,
  isRetryable,
  MAX_MESSAGE_BYTES,
  type SegmentItemResult,
} from '../modules/ingestion/segment.service.js';
import {
  SegmentBatch,
  SEGMENT_TYPES,
  type SegmentType,
} from '../modules/ingestion/segment.schema.js';
import { releaseWhenAnswered } from './admission.js';
import type { RateLimits } from './rate-limits.js';
import { inputProblem } from './well-formed.js';

/** Where Segment's libraries send: `<host>/v1/<call>`. */
export const SEGMENT_API_PATH = '/v1';

/** Segment's limit on one `/v1/batch` request. */
export const MAX_BATCH_BYTES = 500 * 1024;

/**
 * Segment's HTTP Tracking API, so applications instrumented with Segment's or RudderStack's
 * libraries send to c360 unchanged (docs/ingestion.md):
 * - `POST /v1/{track,identify,page,screen,group,alias}`: one message, at most 32 KB;
 * - `POST /v1/batch`: `{ batch: [...] }`, at most 500 KB, each message at most 32 KB;
 * - the same under analytics.js's short paths (`/v1/t`, `/v1/i`, ..., `/v1/b`).
 *
 * Authentication is Segment's: HTTP Basic with the write key (a c360 API key with the WRITE
 * scope) as the user name and an empty password; or, without that header, the key as the
 * body's `writeKey`, as analytics.js sends it. No or an unknown key answers 401, a key without
 * WRITE 403, a body over the limit 413; the same rate limits as /graphql apply.
 *
 * Answers 200 `{ success: true, results: [...] }` (Segment's body, plus one result per
 * message: which were stored, which rejected and why). A single call whose message is
 * rejected answers 400 with `success: false` and its result.
 */
export function segmentApi(deps: {
  apiKeys: ApiKeyService;
  limits: RateLimits;
  ingestion: IngestionDeps;
  logger: Logger;
}): Router {
  const router = express.Router();
  const admit = writeKeyAdmission(deps.apiKeys, deps.limits);
  // Any content type: analytics.js posts JSON as text/plain to avoid a CORS preflight. The
  // body is read before the key is checked because analytics.js sends the key inside it; the
  // size limits bound what a caller without a key can make c360 parse.
  const body = (limit: number) => express.json({ limit, type: () => true });
  // analytics.js posts to `/v1/<first letter of the call>` (`/v1/t`, and `/v1/b` when batching).
  router.post(
    ['/batch', '/b'],
    body(MAX_BATCH_BYTES),
    wellFormed,
    admit,
    async (req, res, next) => {
      try {
        const parsed = SegmentBatch.safeParse(req.body);
        if (!parsed.success) {
          badRequest(res, 'the body must be `{ "batch": [ ...messages ] }`');
          return;
        }
        const { batch, sentAt, context } = parsed.data;
        // The raw context, not the parsed one: zod keeps only what c360 maps, and each item's
        // own context is merged over it before that item is parsed.
        const envelopeContext = (req.body as { context?: unknown }).context;
        const results = await ingestSegment(
          deps.ingestion,
          batch,
          {
            sentAt,
            context:
              context !== undefined && isObject(envelopeContext) ? envelopeContext : undefined,
          },
          new Date(),
          deps.logger,
        );
        respond(res, results, true);
      } catch (error) {
        next(error);
      }
    },
  );
  for (const type of SEGMENT_TYPES) {
    router.post(
      [`/${type}`, `/${type.charAt(0)}`],
      body(MAX_MESSAGE_BYTES),
      wellFormed,
      admit,
      async (req, res, next) => {
        try {
          if (!isObject(req.body)) {
            badRequest(res, 'the body must be one JSON object');
            return;
          }
          const [result] = await ingestSegment(
            deps.ingestion,
            [{ ...req.body, type: type satisfies SegmentType }],
            { context: undefined },
            new Date(),
            deps.logger,
          );
          respond(res, [result!], false);
        } catch (error) {
          next(error);
        }
      },
    );
  }
  router.use(segmentErrors(deps.logger));
  return router;
}

/**
 * 200 when every message was stored or refused for what it is; 503 when c360 itself could not
 * store one (Segment's libraries retry a 5xx, and a resend is safe); a single call whose
 * message was refused answers 400.
 */
function respond(res: Response, allResults: SegmentItemResult[], isBatch: boolean): void {
  const results = res.locals['canRead'] === true ? allResults : allResults.map(withoutCreation);
  if (results.some((result) => isRetryable(result.error))) {
    res.status(503).set('Retry-After', '1').json(answer(false, results));
    return;
  }
  const accepted = results.every((result) => result.status !== ItemStatus.REJECTED);
  if (isBatch || accepted) {
    res.json(answer(true, results));
  } else {
    res.status(400).json(answer(false, results));
  }
}

/**
 * Whether a profile call created its customer tells whether its identities were known: customer
 * data a write-only key must not learn (as the identify mutation's `created` needs READ). Such a
 * key sees UPDATED either way; events keep CREATED (it is about the message, not the person).
 */
function withoutCreation(result: SegmentItemResult): SegmentItemResult {
  const isProfileCall = result.type !== null && PROFILE_CALLS.has(result.type);
  return isProfileCall && result.status === ItemStatus.CREATED
    ? { ...result, status: ItemStatus.UPDATED }
    : result;
}

const PROFILE_CALLS: ReadonlySet<string> = new Set(['identify', 'group', 'alias']);

function answer(success: boolean, results: SegmentItemResult[]) {
  const counts = countStatuses(results);
  return {
    success,
    accepted: results.length - counts.rejected,
    rejected: counts.rejected,
    results,
  };
}

/** Checks the write key and the rate limits, as admission.ts does for /graphql. */
function writeKeyAdmission(apiKeys: ApiKeyService, limits: RateLimits): RequestHandler {
  return async (req, res, next) => {
    const address = limits.addressOf(req);
    try {
      const refused = await limits.addressRefused(address);
      if (refused !== null) {
        tooMany(res, refused, 'too many failed authentications from this address');
        return;
      }
      const writeKey = writeKeyOf(req);
      if (writeKey === null) {
        unauthorized(res, 'a write key is required: HTTP Basic, the key as user name, no password');
        return;
      }
      let key;
      try {
        key = await apiKeys.authenticate(writeKey);
      } catch {
        // Never fail open: a key that cannot be checked is not taken.
        fail(res, 503, ErrorCode.POSTGRES_UNAVAILABLE, 'the write key could not be checked now');
        return;
      }
      if (key === null) {
        const blocked = await limits.authFailed(address);
        if (blocked !== null) {
          tooMany(res, blocked, 'too many failed authentications from this address');
          return;
        }
        unauthorized(res, 'the write key is unknown or revoked');
        return;
      }
      if (!key.scopes.includes(Scope.WRITE)) {
        fail(res, 403, ErrorCode.FORBIDDEN, 'this API key lacks the WRITE scope');
        return;
      }
      const wait = await limits.admitKey(key.id);
      if (wait !== null) {
        tooMany(res, wait, 'this API key has used its operations for this minute');
        return;
      }
      const release = limits.enter(key.id);
      if (release === null) {
        tooMany(res, 1, 'this API key already runs as many operations as it may at once');
        return;
      }
      releaseWhenAnswered(res, release);
      res.locals['canRead'] = key.scopes.includes(Scope.READ);
      next();
    } catch (error) {
      next(error);
    }
  };
}

/**
 * The write key: the user name of `Authorization: Basic base64(key:)` (a missing colon too,
 * as Segment still accepts), else the body's `writeKey`; null when neither is there.
 */
function writeKeyOf(req: Request): string | null {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (match === null) {
      return null;
    }
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const user = decoded.split(':', 1)[0]!;
    return user === '' ? null : user;
  }
  const fromBody = (req.body as { writeKey?: unknown } | undefined)?.writeKey;
  return typeof fromBody === 'string' && fromBody !== '' ? fromBody : null;
}

const wellFormed: RequestHandler = (req, res, next) => {
  const problem = inputProblem(req.body);
  if (problem === null) {
    next();
  } else {
    badRequest(res, problem);
  }
};

/** What the body parser refuses, in this API's shape: 413 over the limit, 400 for bad JSON. */
function segmentErrors(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const type = (error as { type?: unknown } | null)?.type;
    if (type === 'entity.too.large') {
      const limit =
        req.path === '/batch' || req.path === '/b' ? '500 KB' : `${MAX_MESSAGE_BYTES / 1024} KB`;
      fail(res, 413, 'PAYLOAD_TOO_LARGE', `the request is larger than ${limit}`);
      return;
    }
    if (type === 'entity.parse.failed') {
      badRequest(res, 'the request body is not valid JSON');
      return;
    }
    const status = (error as { status?: unknown } | null)?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      badRequest(res, 'the request could not be read');
      return;
    }
    if (isRetryable(error)) {
      const code = (error as GatewayError).extensions['code'] as string;
      res.set('Retry-After', '1');
      fail(res, 503, code, 'c360 cannot store messages now; send them again shortly');
      return;
    }
    logger.error({ err: error }, 'segment request failed');
    fail(res, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function badRequest(res: Response, message: string): void {
  fail(res, 400, ErrorCode.BAD_USER_INPUT, message);
}

function unauthorized(res: Response, message: string): void {
  res.set('WWW-Authenticate', 'Basic realm="c360", charset="UTF-8"');
  fail(res, 401, ErrorCode.UNAUTHENTICATED, message);
}

function tooMany(res: Response, retryAfter: number, message: string): void {
  res.set('Retry-After', String(retryAfter));
  fail(res, 429, ErrorCode.RATE_LIMITED, message);
}

function fail(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ success: false, error: { code, message } });
}
