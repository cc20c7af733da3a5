import { LRUCache } from 'lru-cache';

import type { EmbeddingModel, EmbeddingPurpose } from '../../../datasources/embedding-model.js';

/**
 * Remembers query embeddings of a remote model (interest keywords, search text): the same
 * words come back on every request of a customer, and a remote call per request would cost
 * latency and money. Documents are embedded in bulk by fits and followers, so they pass through.
 */
export class CachedEmbedder implements EmbeddingModel {
  /** Promises, not vectors: concurrent requests for the same words share one remote call. */
  private readonly queries = new LRUCache<string, Promise<Float32Array>>({ max: 10_000 });

  constructor(private readonly inner: EmbeddingModel) {}

  get model(): string {
    return this.inner.model;
  }

  get dimensions(): number {
    return this.inner.dimensions;
  }

  embed(texts: readonly string[], purpose: EmbeddingPurpose): Promise<Float32Array[]> {
    if (purpose !== 'query') {
      return this.inner.embed(texts, purpose);
    }
    const missing = [...new Set(texts.filter((text) => !this.queries.has(text)))];
    if (missing.length > 0) {
      const embedded = this.inner.embed(missing, purpose);
      missing.forEach((text, i) => {
        const vector = embedded.then((vectors) => vectors[i]!);
        // A failed call is not remembered: the next request asks again.
        vector.catch(() => this.queries.delete(text));
        this.queries.set(text, vector);
      });
    }
    return Promise.all(texts.map((text) => this.queries.get(text)!));
  }
}
