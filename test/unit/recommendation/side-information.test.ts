import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { fitEaseExact } from '../../../src/modules/recommendation/model/ease.js';
import { buildInteractionMatrix } from '../../../src/modules/recommendation/model/interactions.js';
import { featureRows } from '../../../src/modules/recommendation/model/side-information.js';

describe('featureRows', () => {
  it('makes one pseudo-customer per category and keyword, keywords case-insensitive', () => {
    const rows = featureRows(
      [
        { id: 'tent', categories: ['Outdoor'], keywords: ['Camping', 'camping'] },
        { id: 'stove', categories: ['Outdoor', 'Kitchen'], keywords: [] },
      ],
      0.5,
    );
    assert.deepEqual(
      rows.map((r) => [r.userId.slice(1), r.itemId, r.weight]),
      [
        ['category:Outdoor', 'tent', 0.5],
        ['keyword:camping', 'tent', 0.5],
        ['category:Outdoor', 'stove', 0.5],
        ['category:Kitchen', 'stove', 0.5],
      ],
    );
    assert.deepEqual(featureRows([{ id: 'tent', categories: ['Outdoor'], keywords: [] }], 0), []);
  });

  it('links items nobody bought together through a shared category', () => {
    // One customer bought a, another b; only the category says that a and c go together.
    const positives = [
      { userId: 'u1', itemId: 'a', weight: 1 },
      { userId: 'u2', itemId: 'b', weight: 1 },
    ];
    const items = [
      { id: 'a', categories: ['tea'], keywords: [] },
      { id: 'b', categories: ['coffee'], keywords: [] },
      { id: 'c', categories: ['tea'], keywords: [] },
    ];
    const scorer = fitEaseExact(buildInteractionMatrix([...positives, ...featureRows(items, 1)]), {
      lambda: 1,
    });
    const scores = scorer.scoreUser(new Map([['a', 1]]));
    const at = (item: string) => scorer.items.indexOf(item);
    // Hand-computed: the Gram matrix over (a, c) is [[2, 1], [1, 1]] + I, so B[a, c] = 1/3 and
    // b shares nothing with a.
    assert.ok(Math.abs(scores[at('c')]! - 1 / 3) < 1e-9, String(scores[at('c')]));
    assert.ok(Math.abs(scores[at('b')]!) < 1e-12);
  });
});
