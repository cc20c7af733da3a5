import type { EmbeddingModel, EmbeddingPurpose } from '../../../datasources/embedding-model.js';
import type { TextVectorModel } from './text-vectors.js';

/**
 * The embedder without GEMINI_API_KEY: local text vectors fitted on the catalogue, computed
 * in-process and deterministically (no model weights, no network). Documents and queries are
 * embedded alike, so `purpose` is ignored. A text with no term of the fitted vocabulary gets
 * the zero vector.
 */
export class LocalTextEmbedder implements EmbeddingModel {
  readonly model: string;
  readonly dimensions: number;

  constructor(private readonly vectors: TextVectorModel) {
    this.model = vectors.name;
    this.dimensions = vectors.dimensions;
  }

  embed(texts: readonly string[], _purpose: EmbeddingPurpose): Promise<Float32Array[]> {
    return Promise.resolve(texts.map((text) => this.vectors.embed(text)));
  }
}
