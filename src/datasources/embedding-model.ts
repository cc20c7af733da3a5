/**
 * What turns text into vectors for recommendations and search. Implementations: Gemini
 * (`gemini-embedder.ts`, with GEMINI_API_KEY) and the local LSA text vectors fitted on the
 * catalogue (`modules/recommendation/model/local-text-embedder.ts`, without a key).
 */
export interface EmbeddingModel {
  /**
   * Stable name stored beside every vector, e.g. 'gemini:gemini-embedding-001@256' or
   * 'local-text:v1-<hash>@64'. Vectors of different models are never compared: a new name
   * means every stored vector must be recomputed.
   */
  readonly model: string;
  readonly dimensions: number;
  /**
   * One unit-length vector per text, in order. 'document' for catalogue/profile text,
   * 'query' for search text (asymmetric models embed the two differently).
   *
   * The zero vector instead for a text with nothing to embed (blank, or none of a local
   * model's known terms); callers should not store or search with it.
   *
   * Rejects when the vectors cannot be computed (e.g. the remote API kept failing); never
   * resolves with fewer vectors than texts.
   */
  embed(texts: readonly string[], purpose: EmbeddingPurpose): Promise<Float32Array[]>;
}

export type EmbeddingPurpose = 'document' | 'query';
