/**
 * What writes text from facts: summaries and answers. Implementation: Gemini
 * (`gemini-text-model.ts`, with GEMINI_API_KEY); without a key, callers use templates instead
 * (modules/assistant), so nothing here runs.
 */
export interface TextModel {
  /** Stable name shown beside every answer, e.g. 'gemini:gemini-2.5-flash'. */
  readonly model: string;
  /**
   * One generation whose answer must be JSON of `schema` (an OpenAPI-style schema, as Gemini's
   * `responseSchema` takes). Resolves with the parsed JSON, unchecked: the caller validates it
   * as untrusted input.
   *
   * @throws TextModelError when no usable answer came (timeout, failures after retries, a
   *   refusal, or text that is not JSON).
   */
  generateJson(request: TextRequest): Promise<unknown>;
}

export interface TextRequest {
  /** The instructions, kept apart from the data (Gemini's `systemInstruction`). */
  readonly system: string;
  /** The data and the question. */
  readonly prompt: string;
  readonly schema: Record<string, unknown>;
  /** Longest answer, in tokens. */
  readonly maxOutputTokens?: number;
}

/** Why a generation failed, for the public error (MODEL_UNAVAILABLE's `reason`). */
export type TextModelFailure = 'TIMEOUT' | 'FAILED' | 'INVALID_OUTPUT';

export class TextModelError extends Error {
  constructor(
    message: string,
    readonly reason: TextModelFailure,
    /** HTTP status of the last attempt; `null` for a timeout, network or shape error. */
    readonly status: number | null,
    readonly attempts: number,
  ) {
    super(message);
    this.name = 'TextModelError';
  }
}
