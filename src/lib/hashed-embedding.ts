import { createHash } from 'node:crypto';

/** Dimensions of the built-in embedder; matches the `vector(64)` columns. */
export const HASHED_EMBEDDING_DIMENSIONS = 64;
/** Stored with each vector so vectors from different embedders are never compared. */
export const HASHED_EMBEDDING_MODEL = 'c360-hashed-terms-v1';

/**
 * Embeds a bag of terms by feature hashing: each lower-cased term adds ±1 to one of 64
 * buckets chosen by its SHA-256, and the result is L2-normalised so cosine distance compares
 * term overlap. Deterministic, dependency-free, and good enough to find customers who share
 * interests when no model key is configured. Returns the zero vector for no terms.
 */
export function embedTerms(terms: readonly string[]): number[] {
  const vector = new Array<number>(HASHED_EMBEDDING_DIMENSIONS).fill(0);
  for (const term of terms) {
    const normalised = term.trim().toLowerCase();
    if (normalised === '') {
      continue;
    }
    const digest = createHash('sha256').update(normalised).digest();
    const bucket = digest.readUInt32BE(0) % HASHED_EMBEDDING_DIMENSIONS;
    vector[bucket]! += (digest[4]! & 1) === 0 ? 1 : -1;
  }
  const norm = Math.hypot(...vector);
  return norm === 0 ? vector : vector.map((value) => value / norm);
}
