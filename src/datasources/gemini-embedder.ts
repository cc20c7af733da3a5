import type { EmbedContentResponse, GoogleGenAI } from '@google/genai';
import pLimit, { type LimitFunction } from 'p-limit';

import type { Config } from '../config.js';
import { normalizeInPlace } from '../lib/unit-vector.js';
import type { Logger } from '../logger.js';
import type { EmbeddingModel, EmbeddingPurpose } from './embedding-model.js';
import {
  AttemptError,
  callGemini,
  GeminiCallFailed,
  geminiClient,
  type GeminiRetryPolicy,
} from './gemini-call.js';

/** What a {@link GeminiEmbedder} is built with; `fromConfig` fills it from the environment. */
export interface GeminiEmbedderOptions extends GeminiRetryPolicy {
  readonly apiKey: string;
  /** Another endpoint for the SDK (a proxy, a local emulator); unset keeps Google's. */
  readonly baseUrl?: string | null;
  readonly model: string;
  readonly dimensions: number;
  /** Texts per call; batchEmbedContents takes at most 100. */
  readonly batchSize: number;
  /** Calls in flight at once across every `embed` of this instance. */
  readonly concurrency: number;
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
 * `concurrency` calls in flight, each attempted and retried as {@link callGemini} does.
 *
 * Vectors are re-normalised to unit length: the API only normalises the full 3,072
 * dimensions, not a reduced `outputDimensionality`.
 *
 * Logs carry statuses, attempts and batch sizes, never a text or the key.
 */
export class GeminiEmbedder implements EmbeddingModel {
  readonly model: string;
  readonly dimensions: number;
  private readonly ai: Promise<GoogleGenAI>;
  private readonly limit: LimitFunction;
  private readonly log: Logger;

  constructor(private readonly options: GeminiEmbedderOptions) {
    if (!(Number.isInteger(options.batchSize) && options.batchSize >= 1)) {
      throw new RangeError(`batchSize must be a positive integer, got ${options.batchSize}`);
    }
    this.model = `gemini:${options.model}@${options.dimensions}`;
    this.dimensions = options.dimensions;
    this.ai = geminiClient(options.apiKey, options.baseUrl);
    this.limit = pLimit(options.concurrency);
    this.log = options.logger.child({ module: 'gemini-embedder', model: this.model });
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
    const ai = await this.ai;
    try {
      return await callGemini(
        this.options,
        async (http) => {
          const response = await ai.models.embedContent({
            model: this.options.model,
            contents: [...batch],
            config: {
              taskType: TASK_TYPES[purpose],
              outputDimensionality: this.dimensions,
              abortSignal: signal,
              httpOptions: http,
            },
          });
          return this.toVectors(response, batch.length);
        },
        { logger: this.log, what: 'embedding', fields: { batchSize: batch.length } },
        signal,
      );
    } catch (error) {
      if (!(error instanceof GeminiCallFailed)) {
        throw error;
      }
      const { attempts } = error;
      throw new GeminiEmbeddingError(
        `Gemini embedding failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${error.message}`,
        error.status,
        attempts,
      );
    }
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
