import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { embedTerms, HASHED_EMBEDDING_DIMENSIONS } from '../../src/lib/hashed-embedding.js';

const cosine = (a: number[], b: number[]) => a.reduce((sum, value, i) => sum + value * b[i]!, 0);

describe('embedTerms', () => {
  it('returns a unit vector of the column’s dimension, the same for the same terms', () => {
    const vector = embedTerms(['Cycling', 'jazz']);

    assert.equal(vector.length, HASHED_EMBEDDING_DIMENSIONS);
    assert.ok(Math.abs(Math.hypot(...vector) - 1) < 1e-9);
    assert.deepEqual(embedTerms(['cycling ', 'JAZZ']), vector);
  });

  it('ranks shared interests closer than disjoint ones', () => {
    const a = embedTerms(['cycling', 'jazz', 'coffee']);
    const b = embedTerms(['cycling', 'jazz', 'wine']);
    const c = embedTerms(['mortgages', 'investing']);

    assert.ok(cosine(a, b) > cosine(a, c));
  });

  it('returns the zero vector for no terms', () => {
    assert.ok(embedTerms([]).every((value) => value === 0));
  });
});
