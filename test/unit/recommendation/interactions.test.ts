import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  buildInteractionMatrix,
  columnView,
} from '../../../src/modules/recommendation/model/interactions.js';

describe('buildInteractionMatrix', () => {
  const matrix = buildInteractionMatrix([
    { userId: 'u1', itemId: 'b', weight: 1 },
    { userId: 'u1', itemId: 'a', weight: 1 },
    { userId: 'u2', itemId: 'b', weight: 2 },
    { userId: 'u1', itemId: 'b', weight: 0.5 },
  ]);

  it('indexes users and items in order of first appearance', () => {
    assert.deepEqual(matrix.users, ['u1', 'u2']);
    assert.deepEqual(matrix.items, ['b', 'a']);
  });

  it('sums the weights of a repeated pair and keeps rows sorted by item index', () => {
    assert.deepEqual([...matrix.rowStart], [0, 2, 3]);
    assert.deepEqual([...matrix.columns], [0, 1, 0]);
    assert.deepEqual([...matrix.values], [1.5, 1, 2]);
  });

  it('transposes to columns listing each item’s users', () => {
    const byItem = columnView(matrix);
    assert.deepEqual([...byItem.columnStart], [0, 2, 3]);
    assert.deepEqual([...byItem.rows], [0, 1, 0]);
    assert.deepEqual([...byItem.values], [1.5, 2, 1]);
  });
});
