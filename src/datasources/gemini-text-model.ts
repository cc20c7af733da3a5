import type { GenerateContentResponse, GoogleGenAI, Schema } from '@google/genai';
import pLimit, { type LimitFunction } from 'p-limit';

import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import {
  AttemptError,
  type AttemptHttpOptions,
  callGemini,
  GeminiCallFailed,
  geminiClient,
  type GeminiRetryPolicy,
} from './gemini-call.js';
import {
  type TextModel,
  TextModelError,
  type TextModelFailure,
  type TextRequest,
} from './text-model.js';

/** What a {@link GeminiTextModel} is built with; `fromConfig` fills it from the environment. */
export interface GeminiTextModelOptions extends GeminiRetryPolicy {
  readonly apiKey: string;
  /** Another endpoint for the SDK (a proxy, a local emulator); unset keeps Google's. */
  readonly baseUrl?: string | null;
  readonly model: string;
  /** Generations in flight at once across this instance; the rest wait their turn. */
  readonly concurrency: number;
  readonly logger: Logger;
}

/**
 * Gemini generation through `@google/genai` (`models.generateContent`, JSON mode with a
 * response schema). The same discipline as the embedder: at most `concurrency` calls in
 * flight, each attempted and retried as {@link callGemini} does.
 *
 * Logs carry statuses, attempts and token counts, never a prompt, an answer or the key.
 */
export class GeminiTextModel implements TextModel {
  readonly model: string;
  private readonly ai: Promise<GoogleGenAI>;
  private readonly limit: LimitFunction;
  private readonly log: Logger;

  constructor(private readonly options: GeminiTextModelOptions) {
    this.model = `gemini:${options.model}`;
    this.ai = geminiClient(options.apiKey, options.baseUrl);
    this.limit = pLimit(options.concurrency);
    this.log = options.logger.child({ module: 'gemini-text-model', model: this.model });
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
    return this.limit(() => this.generate(request));
  }

  private async generate(request: TextRequest): Promise<unknown> {
    const ai = await this.ai;
    try {
      return await callGemini(this.options, (http) => this.attempt(ai, request, http), {
        logger: this.log,
        what: 'generation',
      });
    } catch (error) {
      if (!(error instanceof GeminiCallFailed)) {
        throw error;
      }
      const { attempts } = error;
      throw new TextModelError(
        `Gemini generation failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${error.message}`,
        failureOf(error.lastError),
        error.status,
        attempts,
      );
    }
  }

  /** One call and its answer; an answer it cannot use throws an {@link AttemptError}. */
  private async attempt(
    ai: GoogleGenAI,
    request: TextRequest,
    http: AttemptHttpOptions,
  ): Promise<unknown> {
    const response = await ai.models.generateContent({
      model: this.options.model,
      contents: [{ role: 'user', parts: [{ text: request.prompt }] }],
      config: {
        systemInstruction: request.system,
        responseMimeType: 'application/json',
        responseSchema: request.schema as Schema,
        // Facts in, facts out: no creativity wanted.
        temperature: 0,
        ...(request.maxOutputTokens ? { maxOutputTokens: request.maxOutputTokens } : {}),
        httpOptions: http,
      },
    });
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
