import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { mulberry32 } from '../../../src/modules/recommendation/evaluation/split.js';
import type { Interaction } from '../../../src/modules/recommendation/model/interactions.js';
import {
  chooseCollaborative,
  SELECTION_GRID,
} from '../../../src/modules/recommendation/training/model-selection.js';

const OPTIONS = {
  fallback: { lambda: 200, featureWeight: 0, dropout: 0 },
  maxItems: 2_500,
  seed: 43,
  k: 5,
  maxUsers: 2_000,
};

/** Customers who each buy within one of two aisles, whose items the catalogue says apart. */
function shop(): {
  positives: Interaction[];
  items: { id: string; categories: string[]; keywords: string[] }[];
} {
  const random = mulberry32(3);
  const positives: Interaction[] = [];
  for (let u = 0; u < 40; u++) {
    const aisle = u % 2 === 0 ? 'tea' : 'coffee';
    for (let i = 0; i < 12; i++) {
      if (random() < 0.5) {
        positives.push({ userId: `u${u}`, itemId: `${aisle}${i}`, weight: 1 });
      }
    }
  }
  const items = ['tea', 'coffee'].flatMap((aisle) =>
    Array.from({ length: 12 }, (_, i) => ({
      id: `${aisle}${i}`,
      categories: [aisle],
      keywords: [],
    })),
  );
  return { positives, items };
}

describe('chooseCollaborative', () => {
  it('takes λ, then the catalogue weight, then dropout, each the best on validation', () => {
    const { positives, items } = shop();
    const choice = chooseCollaborative(positives, items, OPTIONS);
    const { lambdas, featureWeights, dropouts } = SELECTION_GRID;
    assert.equal(choice.tried.length, lambdas.length + featureWeights.length + dropouts.length);
    const best = (tried: typeof choice.tried) => tried.reduce((a, b) => (b.ndcg > a.ndcg ? b : a));

    const byLambda = choice.tried.slice(0, lambdas.length);
    assert.deepEqual(
      byLambda.map((t) => [t.lambda, t.featureWeight, t.dropout]),
      lambdas.map((lambda) => [lambda, 0, 0]),
    );
    assert.equal(choice.lambda, best(byLambda).lambda);
    const byWeight = choice.tried.slice(lambdas.length, lambdas.length + featureWeights.length);
    assert.ok(byWeight.every((t) => t.lambda === choice.lambda && t.dropout === 0));
    assert.equal(choice.featureWeight, best([best(byLambda), ...byWeight]).featureWeight);
    assert.ok(choice.tried.every((t) => t.ndcg >= 0 && t.ndcg <= 1));
  });

  it('skips the catalogue weight when items have no categories or keywords', () => {
    const { positives, items } = shop();
    const bare = items.map((item) => ({ ...item, categories: [] }));
    const choice = chooseCollaborative(positives, bare, OPTIONS);
    assert.equal(choice.featureWeight, 0);
    assert.ok(choice.tried.every((t) => t.featureWeight === 0));
  });

  it('falls back to the configured settings when no customer has two positives', () => {
    const positives = [
      { userId: 'u1', itemId: 'a', weight: 1 },
      { userId: 'u2', itemId: 'b', weight: 1 },
    ];
    assert.deepEqual(chooseCollaborative(positives, [], OPTIONS), {
      ...OPTIONS.fallback,
      tried: [],
    });
  });
});
