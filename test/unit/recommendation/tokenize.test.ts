import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { tokenize } from '../../../src/modules/recommendation/model/tokenize.js';

describe('tokenize', () => {
  it('lower-cases, drops stop words, digits and single letters, and stems English words', () => {
    assert.deepEqual(tokenize('The Holidays of a Lifetime (1995): 2 weeks in the SUN!'), [
      'holidai',
      'lifetim',
      'week',
      'sun',
    ]);
  });

  it('gives inflections of a word one term', () => {
    assert.deepEqual(tokenize('toy toys'), ['toi', 'toi']);
    assert.deepEqual(tokenize('travel travelling'), ['travel', 'travel']);
  });

  it('keeps words of other scripts whole, after Unicode normalisation', () => {
    assert.deepEqual(tokenize('Über Straße — ｃａｆé Ελλάδα'), [
      'über',
      'straße',
      'café',
      'ελλάδα',
    ]);
  });

  it('returns nothing for text without words', () => {
    assert.deepEqual(tokenize(' -- 42, 7 !'), []);
  });
});
