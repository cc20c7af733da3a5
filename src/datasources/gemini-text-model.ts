import { setTimeout as delay } from 'node:timers/promises';

import { type GenerateContentResponse, GoogleGenAI, type Schema } from '@google/genai';
import pLimit, { type LimitFunction } from 'p-limit';
import pRetry from 'p-retry';

import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { AttemptError, parseRetryAfter } from './gemini-embedder.js';
import {
  type TextModel,
  TextModelError,
  type TextModelFailure,
  type TextRequest,
} from './text-model.js';

/** What a {@link GeminiTextModel} is built with; `fromConfig` fills it from the environment. */
export interface GeminiTextModelOptions {
  readonly apiKey: string;
  /** Another endpoint for the SDK (a proxy, a local emulator); unset keeps Google's. */
  readonly baseUrl?: string | null;
  readonly model: string;
  /** Generations in flight at once across this instance; the rest wait their turn. */
  readonly concurrency: number;
  /** Deadline of one attempt, response body included. */
  readonly timeoutMs: number;
  /** Attempts per generation, the first included. */
  readonly maxAttempts: number;
  /** First backoff delay; it doubles with each retry and gets up to 100 % jitter. */
  readonly minRetryDelayMs?: number;
  /** Longest wait before a retry; a `Retry-After` asking for more ends the retries. */
  readonly maxRetryDelayMs?: number;
  readonly logger: Logger;
}

/**
 * Gemini generation through `@google/genai` (`models.generateContent`, JSON mode with a
 * response schema). The same discipline as the embedder: at most `concurrency` calls in
 * flight, a deadline per attempt, and 429, 408, 5xx, timeouts and network errors retried with
 * exponential backoff and jitter, waiting at least what `Retry-After` (or the body's
 * `RetryInfo`) asks; the SDK's own retries stay off so attempts are counted here.
 *
 * Logs carry statuses, attempts and token counts, never a prompt, an answer or the key.
 */
export class GeminiTextModel implements TextModel {
  readonly model: string;
  private readonly ai: GoogleGenAI;
  private readonly limit: LimitFunction;
  private readonly log: Logger;
  private readonly minRetryDelayMs: number;
  private readonly maxRetryDelayMs: number;

  constructor(private readonly options: GeminiTextModelOptions) {
    this.model = `gemini:${options.model}`;
    this.ai = new GoogleGenAI({
      apiKey: options.apiKey,
      // Explicit, so GOOGLE_GENAI_USE_VERTEXAI in the environment cannot switch the backend.
      vertexai: false,
      ...(options.baseUrl ? { httpOptions: { baseUrl: options.baseUrl } } : {}),
    });
    this.limit = pLimit(options.concurrency);
    this.log = options.logger.child({ module: 'gemini-text-model', model: this.model });
    this.minRetryDelayMs = options.minRetryDelayMs ?? 1_000;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 60_000;
  }

  /** The model the configuration asks for, or `null` without GEMINI_API_KEY. */
  static fromConfig(config: Config['gemini'], logger: Logger): GeminiTextModel | null {
    if (config.apiKey === null) {
      return null;
    }
    return new GeminiTextModel({
      apiKey: config.apiKey,
      baseUrl: config.baseUrl,
      timeoutMs: config.timeoutMs,
      maxAttempts: config.maxAttempts,
      ...config.text,
      logger,
    });
  }

  generateJson(request: TextRequest): Promise<unknown> {
    return this.limit(() => this.withRetries(request));
  }

  private async withRetries(request: TextRequest): Promise<unknown> {
    let attempts = 0;
    try {
      return await pRetry(
        async () => {
          attempts += 1;
          return this.attempt(request);
        },
        {
          retries: this.options.maxAttempts - 1,
          factor: 2,
          minTimeout: this.minRetryDelayMs,
          maxTimeout: this.maxRetryDelayMs,
          randomize: true,
          shouldRetry: async ({ error, retryDelay }) => {
            if (!this.isWorthRetrying(error)) {
              return false;
            }
            // p-retry then waits `retryDelay`; top it up to what the server asked for.
            const topUp = (error.retryAfterMs ?? 0) - retryDelay;
            if (topUp > 0) {
              await delay(topUp);
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
                },
                'gemini generation attempt failed, retrying',
              );
            }
          },
        },
      );
    } catch (error) {
      const status = error instanceof AttemptError ? error.status : null;
      const message = error instanceof Error ? error.message : 'unknown error';
      const reason = failureOf(error);
      this.log.error({ attempts, status, reason: message }, 'gemini generation failed');
      throw new TextModelError(
        `Gemini generation failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${message}`,
        reason,
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
  private async attempt(request: TextRequest): Promise<unknown> {
    // The SDK's ApiError keeps the status but not the headers, so Retry-After is read here.
    let retryAfterMs: number | null = null;
    const fetchNotingRetryAfter: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!response.ok) {
        retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now());
      }
      return response;
    };
    let response: GenerateContentResponse;
    try {
      response = await this.ai.models.generateContent({
        model: this.options.model,
        contents: [{ role: 'user', parts: [{ text: request.prompt }] }],
        config: {
          systemInstruction: request.system,
          responseMimeType: 'application/json',
          responseSchema: request.schema as Schema,
          // Facts in, facts out: no creativity wanted.
          temperature: 0,
          ...(request.maxOutputTokens ? { maxOutputTokens: request.maxOutputTokens } : {}),
          httpOptions: { timeout: this.options.timeoutMs, fetch: fetchNotingRetryAfter },
        },
      });
    } catch (error) {
      throw AttemptError.from(error, retryAfterMs, this.options.timeoutMs);
    }
    this.log.debug(
      {
        promptTokens: response.usageMetadata?.promptTokenCount ?? null,
        answerTokens: response.usageMetadata?.candidatesTokenCount ?? null,
        finishReason: response.candidates?.[0]?.finishReason ?? null,
      },
      'gemini generation answered',
    );
    return parseAnswer(response);
  }
}

/** The JSON of the first candidate; a blocked, empty or non-JSON answer is not retried. */
function parseAnswer(response: GenerateContentResponse): unknown {
  const text = response.candidates?.[0]?.content?.parts?.map((part) => part.text ?? '').join('');
  if (!text) {
    const why = response.promptFeedback?.blockReason ?? response.candidates?.[0]?.finishReason;
    throw new AttemptError(`no answer (${why ?? 'empty'})`, null, false);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AttemptError('the answer is not JSON', null, false);
  }
}

function failureOf(error: unknown): TextModelFailure {
  if (
    error instanceof AttemptError &&
    error.status === null &&
    error.message.startsWith('no response')
  ) {
    return 'TIMEOUT';
  }
  if (error instanceof AttemptError && error.status === null && !error.retryable) {
    return 'INVALID_OUTPUT';
  }
  return 'FAILED';
}
