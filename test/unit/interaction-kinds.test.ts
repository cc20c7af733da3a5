import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  INTERACTION_EVENT_TYPES,
  INTERACTION_KINDS,
  INTERACTION_WEIGHTS,
  KIND_OF_EVENT,
  KIND_WEIGHTS,
  recencyDecay,
} from '../../src/modules/interaction/interaction.kinds.js';
import { EventType } from '../../src/modules/event/event.kinds.js';
import { normalizeKeywords } from '../../src/lib/keywords.js';

describe('interaction kinds', () => {
  it('gives every interaction event type its own edge kind and the weights of issue 9', () => {
    assert.deepEqual(
      new Set(INTERACTION_EVENT_TYPES.map((type) => KIND_OF_EVENT[type])),
      new Set(INTERACTION_KINDS),
    );
    assert.ok(INTERACTION_EVENT_TYPES.every((type) => Object.values(EventType).includes(type)));
    assert.deepEqual(INTERACTION_WEIGHTS, {
      purchase: 5,
      cart_add: 3,
      wishlist_add: 2,
      recommendation_click: 1.5,
      view: 1,
      recommendation_view: 0.5,
      cart_remove: -1,
    });
    assert.equal(KIND_WEIGHTS.PURCHASED, 5);
    assert.equal(KIND_WEIGHTS.CART_REMOVED, -1);
  });

  it('decays a weight by exp(−days / 30), never above 1 for a future event', () => {
    const now = new Date('2026-11-29T00:00:00Z');
    assert.equal(recencyDecay(now, now), 1);
    assert.equal(recencyDecay(new Date('2026-12-01T00:00:00Z'), now), 1);
    assert.ok(Math.abs(recencyDecay(new Date('2026-10-30T00:00:00Z'), now) - Math.exp(-1)) < 1e-12);
  });
});

describe('normalizeKeywords', () => {
  it('trims, collapses white space, lower-cases and keeps each keyword once, in order', () => {
    assert.deepEqual(normalizeKeywords([' Rain ', 'RAIN', 'Trail \t Running', '', '  ', 'Ünï']), [
      'rain',
      'trail running',
      'ünï',
    ]);
    assert.deepEqual(normalizeKeywords(null), []);
  });
});
