import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  edgeChanges,
  restoredSurvivorProfile,
  survivorConsentsToRestore,
} from '../../../src/modules/identity/unmerge.rules.js';

describe('restoredSurvivorProfile', () => {
  it('takes out what the merge brought in and keeps what changed since', () => {
    const before = { email: null, traits: { plan: 'gold' }, interest_keywords: ['jazz'] };
    const merged = {
      email: 'm@example.com',
      traits: { plan: 'basic', city: 'Paris', tier: 2 },
      interest_keywords: ['books', 'jazz'],
    };
    // Since the merge: tier was changed on the survivor, a new key was added.
    const current = {
      email: 'm@example.com',
      traits: { plan: 'gold', city: 'Paris', tier: 3, vip: true },
      interest_keywords: ['jazz', 'books', 'chess'],
    };

    assert.deepEqual(restoredSurvivorProfile(before, merged, current), {
      email: null,
      traits: { plan: 'gold', tier: 3, vip: true },
      interest_keywords: ['jazz', 'chess'],
    });
  });
});

describe('survivorConsentsToRestore', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
  it('puts back answers the merge overwrote, and drops ones the survivor never gave', () => {
    const before = [{ purpose: 'marketing', granted: false, source: 'form', updated_at: at(1) }];
    const merged = [
      { purpose: 'marketing', granted: true, source: 'app', updated_at: at(2) },
      { purpose: 'ai', granted: true, source: 'app', updated_at: at(2) },
      { purpose: 'analytics', granted: true, source: 'app', updated_at: at(2) },
    ];
    const current = [
      { purpose: 'marketing', granted: true, source: 'app', updated_at: at(2) },
      { purpose: 'ai', granted: true, source: 'app', updated_at: at(2) },
      // Answered again after the merge: the survivor's own now.
      { purpose: 'analytics', granted: false, source: 'web', updated_at: at(9) },
    ];

    assert.deepEqual(survivorConsentsToRestore(before, merged, current), [
      { purpose: 'marketing', restore: before[0] },
      { purpose: 'ai', restore: null },
    ]);
  });
});

describe('edgeChanges', () => {
  it('links the merged customer’s edges again and unlinks only those the survivor gained', () => {
    const merged = [
      { type: 'PARENT_OF' as const, from: 'm', to: 'child' },
      { type: 'SPOUSE_OF' as const, from: 'spouse', to: 'm' },
      { type: 'SIBLING_OF' as const, from: 'm', to: 's' },
    ];
    // The survivor was already married to the same spouse (undirected, stored the other way).
    const survivor = [{ type: 'SPOUSE_OF' as const, from: 's', to: 'spouse' }];

    const { link, unlink } = edgeChanges('m', 's', merged, survivor);

    assert.deepEqual(link, merged);
    assert.deepEqual(unlink, [{ type: 'PARENT_OF', from: 's', to: 'child' }]);
  });
});
