import { setTimeout as delay } from 'node:timers/promises';

import { ApiError, type EmbedContentResponse, GoogleGenAI } from '@google/genai';
import pLimit, { type LimitFunction } from 'p-limit';
import pRetry from 'p-retry';

import type { Config } from '../config.js';
import { normalizeInPlace } from '../lib/unit-vector.js';
import type { Logger } from '../logger.js';
import type { EmbeddingModel, EmbeddingPurpose } from './embedding-model.js';

/** What a {@link GeminiEmbedder} is built with; `fromConfig` fills it from the environment. */
export interface GeminiEmbedderOptions {
  readonly apiKey: string;
  /** Another endpoint for the SDK (a proxy, a local emulator); unset keeps Google's. */
  readonly baseUrl?: string | null;
  readonly model: string;
  readonly dimensions: number;
  /** Texts per call; batchEmbedContents takes at most 100. */
  readonly batchSize: number;
  /** Calls in flight at once across every `embed` of this instance. */
  readonly concurrency: number;
  /** Deadline of one attempt, response body included. */
  readonly timeoutMs: number;
  /** Attempts per call, the first included. */
  readonly maxAttempts: number;
  /** First backoff delay; it doubles with each retry and gets up to 100 % jitter. */
  readonly minRetryDelayMs?: number;
  /** Longest wait before a retry; a `Retry-After` asking for more ends the retries. */
  readonly maxRetryDelayMs?: number;
  readonly logger: Logger;
}

/** Thrown by {@link GeminiEmbedder.embed} once a batch has failed for good. */
export class GeminiEmbeddingError extends Error {
  constructor(
    message: string,
    /** HTTP status of the last attempt; `null` for a timeout, network or shape error. */
    readonly status: number | null,
    readonly attempts: number,
  ) {
    super(message);
    this.name = 'GeminiEmbeddingError';
  }
}

const TASK_TYPES: Record<EmbeddingPurpose, string> = {
  document: 'RETRIEVAL_DOCUMENT',
  query: 'RETRIEVAL_QUERY',
};

/**
 * Gemini embeddings through `@google/genai` (`models.embedContent`, which the SDK sends as one
 * `batchEmbedContents` request per call). Texts go in batches of `batchSize`, at most
 * `concurrency` calls in flight; each attempt has a deadline, and 429, 408, 5xx, timeouts and
 * network errors are retried with exponential backoff and jitter, waiting at least what
 * `Retry-After` (or the error body's `RetryInfo`) asks. The SDK's own retries stay off so
 * that attempts are counted in one place.
 *
 * Vectors are re-normalised to unit length: the API only normalises the full 3,072
 * dimensions, not a reduced `outputDimensionality`.
 *
 * Logs carry statuses, attempts and batch sizes, never a text or the key.
 */
export class GeminiEmbedder implements EmbeddingModel {
  readonly model: string;
  readonly dimensions: number;
  private readonly ai: GoogleGenAI;
  private readonly limit: LimitFunction;
  private readonly log: Logger;
  private readonly minRetryDelayMs: number;
  private readonly maxRetryDelayMs: number;

  constructor(private readonly options: GeminiEmbedderOptions) {
    if (!(Number.isInteger(options.batchSize) && options.batchSize >= 1)) {
      throw new RangeError(`batchSize must be a positive integer, got ${options.batchSize}`);
    }
    this.model = `gemini:${options.model}@${options.dimensions}`;
    this.dimensions = options.dimensions;
    this.ai = new GoogleGenAI({
      apiKey: options.apiKey,
      // Explicit, so GOOGLE_GENAI_USE_VERTEXAI in the environment cannot switch the backend.
      vertexai: false,
      ...(options.baseUrl ? { httpOptions: { baseUrl: options.baseUrl } } : {}),
    });
    this.limit = pLimit(options.concurrency);
    this.log = options.logger.child({ module: 'gemini-embedder', model: this.model });
    this.minRetryDelayMs = options.minRetryDelayMs ?? 1_000;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 60_000;
  }

  /** The embedder the configuration asks for, or `null` without GEMINI_API_KEY. */
  static fromConfig(config: Config['gemini'], logger: Logger): GeminiEmbedder | null {
    if (config.apiKey === null) {
      return null;
    }
    return new GeminiEmbedder({
      apiKey: config.apiKey,
      baseUrl: config.baseUrl,
      timeoutMs: config.timeoutMs,
      maxAttempts: config.maxAttempts,
      ...config.embedding,
      logger,
    });
  }

  /**
   * A blank text gets the zero vector without a call: the API refuses empty content, and one
   * empty description must not fail the batch it would share with 99 others.
   *
   * @throws GeminiEmbeddingError when a batch still fails after `maxAttempts`, or at once on a
   *   status retrying cannot fix (400, 401, 403, 404); the other batches are then abandoned.
   */
  async embed(texts: readonly string[], purpose: EmbeddingPurpose): Promise<Float32Array[]> {
    const vectors: Float32Array[] = texts.map(() => new Float32Array(this.dimensions));
    const sent = [...texts.keys()].filter((i) => texts[i]!.trim() !== '');
    const batches: number[][] = [];
    for (let start = 0; start < sent.length; start += this.options.batchSize) {
      batches.push(sent.slice(start, start + this.options.batchSize));
    }
    // One failed batch fails the whole call, so the batches still queued or backing off stop.
    const abandon = new AbortController();
    try {
      await Promise.all(
        batches.map((batch) =>
          this.limit(async () => {
            const embedded = await this.embedBatch(
              batch.map((i) => texts[i]!),
              purpose,
              abandon.signal,
            );
            batch.forEach((i, k) => (vectors[i] = embedded[k]!));
          }),
        ),
      );
      return vectors;
    } catch (error) {
      abandon.abort(error);
      throw error;
    }
  }

  private async embedBatch(
    batch: readonly string[],
    purpose: EmbeddingPurpose,
    signal: AbortSignal,
  ): Promise<Float32Array[]> {
    signal.throwIfAborted();
    let attempts = 0;
    try {
      return await pRetry(
        async () => {
          attempts += 1;
          return this.attempt(batch, purpose, signal);
        },
        {
          retries: this.options.maxAttempts - 1,
          factor: 2,
          minTimeout: this.minRetryDelayMs,
          maxTimeout: this.maxRetryDelayMs,
          randomize: true,
          signal,
          shouldRetry: async ({ error, retryDelay }) => {
            if (!this.isWorthRetrying(error)) {
              return false;
            }
            // p-retry then waits `retryDelay`; top it up to what the server asked for.
            const topUp = (error.retryAfterMs ?? 0) - retryDelay;
            if (topUp > 0) {
              await delay(topUp, undefined, { signal });
            }
            return true;
          },
          onFailedAttempt: ({ error, attemptNumber, retriesLeft, retryDelay }) => {
            if (retriesLeft > 0 && this.isWorthRetrying(error)) {
              this.log.warn(
                {
                  attempt: attemptNumber,
                  status: error.status,
                  reason: error.message,
                  delayMs: Math.max(retryDelay, error.retryAfterMs ?? 0),
                  batchSize: batch.length,
                },
                'gemini embedding attempt failed, retrying',
              );
            }
          },
        },
      );
    } catch (error) {
      if (signal.aborted) {
        throw signal.reason;
      }
      const status = error instanceof AttemptError ? error.status : null;
      const reason = error instanceof Error ? error.message : 'unknown error';
      this.log.error(
        { attempts, status, reason, batchSize: batch.length },
        'gemini embedding failed',
      );
      throw new GeminiEmbeddingError(
        `Gemini embedding failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${reason}`,
        status,
        attempts,
      );
    }
  }

  /** Retryable, and not asking (Retry-After) for a longer wait than we are willing to make. */
  private isWorthRetrying(error: Error): error is AttemptError {
    return (
      error instanceof AttemptError &&
      error.retryable &&
      (error.retryAfterMs ?? 0) <= this.maxRetryDelayMs
    );
  }

  /** One HTTP call; every failure becomes an {@link AttemptError} saying whether to retry. */
  private async attempt(
    batch: readonly string[],
    purpose: EmbeddingPurpose,
    signal: AbortSignal,
  ): Promise<Float32Array[]> {
    // The SDK's ApiError keeps the status but not the headers, so Retry-After is read here.
    let retryAfterMs: number | null = null;
    const fetchNotingRetryAfter: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!response.ok) {
        retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now());
      }
      return response;
    };
    let response: EmbedContentResponse;
    try {
      response = await this.ai.models.embedContent({
        model: this.options.model,
        contents: [...batch],
        config: {
          taskType: TASK_TYPES[purpose],
          outputDimensionality: this.dimensions,
          abortSignal: signal,
          httpOptions: { timeout: this.options.timeoutMs, fetch: fetchNotingRetryAfter },
        },
      });
    } catch (error) {
      throw AttemptError.from(error, retryAfterMs, this.options.timeoutMs);
    }
    return this.toVectors(response, batch.length);
  }

  private toVectors(response: EmbedContentResponse, expected: number): Float32Array[] {
    const embeddings = response.embeddings ?? [];
    if (embeddings.length !== expected) {
      throw new AttemptError(
        `expected ${expected} embeddings, got ${embeddings.length}`,
        null,
        false,
      );
    }
    return embeddings.map((embedding) => {
      const values = embedding.values ?? [];
      if (values.length !== this.dimensions) {
        throw new AttemptError(
          `expected ${this.dimensions} dimensions, got ${values.length}`,
          null,
          false,
        );
      }
      return normalizeInPlace(Float32Array.from(values));
    });
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
    if (error instanceof ApiError) {
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
