import { setTimeout as delay } from 'node:timers/promises';

import type * as GenAi from '@google/genai';
import type { GoogleGenAI } from '@google/genai';
import pRetry from 'p-retry';

import type { Logger } from '../logger.js';

/** How one Gemini call is attempted: the embedder and the text model share it. */
export interface GeminiRetryPolicy {
  /** Deadline of one attempt, response body included. */
  readonly timeoutMs: number;
  /** Attempts per call, the first included. */
  readonly maxAttempts: number;
  /** First backoff delay; it doubles with each retry and gets up to 100 % jitter. */
  readonly minRetryDelayMs?: number;
  /** Longest wait before a retry; a `Retry-After` asking for more ends the retries. */
  readonly maxRetryDelayMs?: number;
}

/** What one attempt hands the SDK: its deadline, and a fetch that notes `Retry-After`. */
export interface AttemptHttpOptions {
  timeout: number;
  fetch: typeof fetch;
}

/** What the log lines of a call say: its kind ("embedding", "generation") and extra fields. */
export interface GeminiCallLog {
  readonly logger: Logger;
  readonly what: string;
  readonly fields?: Record<string, unknown>;
}

/** Thrown by {@link callGemini} once a call has failed for good; callers wrap it in theirs. */
export class GeminiCallFailed extends Error {
  constructor(
    /** The last attempt's failure; an {@link AttemptError} unless something else broke. */
    readonly lastError: unknown,
    readonly attempts: number,
  ) {
    super(lastError instanceof Error ? lastError.message : 'unknown error');
    this.name = 'GeminiCallFailed';
  }

  /** HTTP status of the last attempt; `null` for a timeout, network or shape error. */
  get status(): number | null {
    return this.lastError instanceof AttemptError ? this.lastError.status : null;
  }
}

type GenAiSdk = typeof GenAi;

/**
 * The SDK, imported with the first client: with its dependencies it holds ~30 MB of a
 * process's memory, which a gateway without a Gemini key never needs. A failed import is
 * kept: a broken install does not mend itself while the process runs.
 */
let sdk: Promise<GenAiSdk> | null = null;
/** Set once the SDK is loaded: an error can only be its ApiError after that. */
let loadedSdk: GenAiSdk | null = null;

function genAiSdk(): Promise<GenAiSdk> {
  sdk ??= import('@google/genai').then((loaded) => (loadedSdk = loaded));
  return sdk;
}

/**
 * The SDK client for the key and endpoint, loading the SDK now (only clients built with a key
 * call this). Awaited before a call's attempts, so a broken install fails each call with its
 * own message rather than as a failed attempt. Explicitly the Gemini API, so
 * GOOGLE_GENAI_USE_VERTEXAI in the environment cannot switch the backend.
 */
export function geminiClient(
  apiKey: string,
  baseUrl: string | null | undefined,
): Promise<GoogleGenAI> {
  const client = genAiSdk().then(
    ({ GoogleGenAI }) =>
      new GoogleGenAI({
        apiKey,
        vertexai: false,
        ...(baseUrl ? { httpOptions: { baseUrl } } : {}),
      }),
  );
  // Reported by every call that awaits it; a client never called must not crash the process.
  client.catch(() => undefined);
  return client;
}

/**
 * Runs one Gemini call under `policy`: `send` makes one attempt (the SDK call with the given
 * http options, then reading the answer, throwing an {@link AttemptError} for an answer it
 * cannot use). 429, 408, 5xx, timeouts and network errors are retried with exponential backoff
 * and jitter, waiting at least what `Retry-After` (or the error body's `RetryInfo`) asks; a
 * wait longer than `maxRetryDelayMs` ends the retries. The SDK's own retries stay off, so
 * attempts are counted here. Logs carry statuses, attempts and `log.fields`, never a request.
 *
 * @throws GeminiCallFailed after `maxAttempts`, or at once for a failure retrying cannot fix;
 *   the abort reason of `signal` when it aborts (nothing logged then).
 */
export async function callGemini<T>(
  policy: GeminiRetryPolicy,
  send: (http: AttemptHttpOptions) => Promise<T>,
  log: GeminiCallLog,
  signal?: AbortSignal,
): Promise<T> {
  const maxRetryDelayMs = policy.maxRetryDelayMs ?? 60_000;
  const worthRetrying = (error: Error): error is AttemptError =>
    error instanceof AttemptError &&
    error.retryable &&
    (error.retryAfterMs ?? 0) <= maxRetryDelayMs;
  let attempts = 0;
  try {
    return await pRetry(
      () => {
        attempts += 1;
        return attempt(send, policy.timeoutMs);
      },
      {
        retries: policy.maxAttempts - 1,
        factor: 2,
        minTimeout: policy.minRetryDelayMs ?? 1_000,
        maxTimeout: maxRetryDelayMs,
        randomize: true,
        ...(signal ? { signal } : {}),
        shouldRetry: async ({ error, retryDelay }) => {
          if (!worthRetrying(error)) {
            return false;
          }
          // p-retry then waits `retryDelay`; top it up to what the server asked for.
          const topUp = (error.retryAfterMs ?? 0) - retryDelay;
          if (topUp > 0) {
            await delay(topUp, undefined, signal ? { signal } : {});
          }
          return true;
        },
        onFailedAttempt: ({ error, attemptNumber, retriesLeft, retryDelay }) => {
          if (retriesLeft > 0 && worthRetrying(error)) {
            log.logger.warn(
              {
                attempt: attemptNumber,
                status: error.status,
                reason: error.message,
                delayMs: Math.max(retryDelay, error.retryAfterMs ?? 0),
                ...log.fields,
              },
              `gemini ${log.what} attempt failed, retrying`,
            );
          }
        },
      },
    );
  } catch (error) {
    if (signal?.aborted) {
      throw signal.reason;
    }
    const failed = new GeminiCallFailed(error, attempts);
    log.logger.error(
      { attempts, status: failed.status, reason: failed.message, ...log.fields },
      `gemini ${log.what} failed`,
    );
    throw failed;
  }
}

/** One attempt; every failure becomes an {@link AttemptError} saying whether to retry. */
async function attempt<T>(
  send: (http: AttemptHttpOptions) => Promise<T>,
  timeoutMs: number,
): Promise<T> {
  // The SDK's ApiError keeps the status but not the headers, so Retry-After is read here.
  let retryAfterMs: number | null = null;
  const fetchNotingRetryAfter: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (!response.ok) {
      retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now());
    }
    return response;
  };
  try {
    return await send({ timeout: timeoutMs, fetch: fetchNotingRetryAfter });
  } catch (error) {
    throw error instanceof AttemptError ? error : AttemptError.from(error, retryAfterMs, timeoutMs);
  }
}

/** HTTP statuses worth another attempt: throttling, timeouts and server-side failures. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** A failed attempt, with a message that never quotes a request (texts, key). */
export class AttemptError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly retryable: boolean,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'AttemptError';
  }

  static from(error: unknown, retryAfterMs: number | null, timeoutMs: number): AttemptError {
    if (loadedSdk !== null && error instanceof loadedSdk.ApiError) {
      const retryDelayMs = retryDelayOf(error.message);
      return new AttemptError(
        `HTTP ${error.status}`,
        error.status,
        isRetryableStatus(error.status),
        retryAfterMs === null && retryDelayMs === null
          ? null
          : Math.max(retryAfterMs ?? 0, retryDelayMs ?? 0),
      );
    }
    if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
      return new AttemptError(`no response within ${timeoutMs} ms`, null, true);
    }
    // fetch rejects with a TypeError ('fetch failed') whose cause names the socket error.
    if (error instanceof TypeError) {
      const cause: unknown = error.cause;
      const code =
        cause instanceof Error && 'code' in cause && typeof cause.code === 'string'
          ? cause.code
          : 'fetch failed';
      return new AttemptError(`network error (${code})`, null, true);
    }
    return new AttemptError(
      error instanceof Error ? `${error.name}` : 'unknown error',
      null,
      false,
    );
  }
}

/**
 * Milliseconds the `google.rpc.RetryInfo` detail of a Google API error body asks to wait
 * (`"retryDelay": "37s"`): Gemini's 429s say it there rather than in `Retry-After`. The SDK's
 * ApiError message is that body as JSON. `null` when there is none.
 */
export function retryDelayOf(errorBody: string): number | null {
  try {
    const body = JSON.parse(errorBody) as { error?: { details?: unknown } };
    const details = Array.isArray(body.error?.details) ? (body.error.details as unknown[]) : [];
    for (const detail of details) {
      if (
        typeof detail === 'object' &&
        detail !== null &&
        String((detail as Record<string, unknown>)['@type']).endsWith('google.rpc.RetryInfo')
      ) {
        const delay = /^(\d+(?:\.\d+)?)s$/.exec(
          String((detail as { retryDelay?: unknown }).retryDelay),
        );
        return delay ? Math.ceil(Number(delay[1]) * 1_000) : null;
      }
    }
  } catch {
    // Not JSON (a proxy's HTML error page, say): nothing to read.
  }
  return null;
}

/**
 * Milliseconds a `Retry-After` header asks to wait: delay-seconds or an HTTP date (RFC 9110,
 * section 10.2.3). `null` when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null || value.trim() === '') {
    return null;
  }
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    return Number(trimmed) * 1_000;
  }
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
