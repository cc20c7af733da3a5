import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';

import { DEFAULT_WEIGHTS } from '../../../src/modules/recommendation/blend.js';
import { bucketOf, Experiment } from '../../../src/modules/recommendation/analytics/experiments.js';
import { CandidateSource } from '../../../src/modules/recommendation/recommendation.kinds.js';

const customers = Array.from({ length: 4_000 }, () => randomUUID());
const popHeavy = { name: 'pop-heavy', share: 0.2, weights: { [CandidateSource.POPULARITY]: 0.6 } };

describe('bucketOf', () => {
  it('is the same for the same experiment and customer, and in [0, 1)', () => {
    for (const id of customers.slice(0, 100)) {
      const bucket = bucketOf('recommendations', id);
      assert.equal(bucketOf('recommendations', id), bucket);
      assert.ok(bucket >= 0 && bucket < 1);
    }
  });

  it('pins a known value, so a change of hash (which would move every customer) is noticed', () => {
    // sha256("recommendations\0" + id), first 6 bytes over 2^48, computed outside Node.
    const id = '00000000-0000-0000-0000-000000000001';
    assert.equal(bucketOf('recommendations', id).toFixed(10), '0.5158607100');
    assert.notEqual(bucketOf('another', id), bucketOf('recommendations', id));
  });
});

describe('Experiment.assign', () => {
  it('routes about the configured share to the variant, the rest to control', () => {
    const experiment = new Experiment('recommendations', [popHeavy]);
    const routed = customers.filter((id) => experiment.assign(id).variant === 'pop-heavy').length;
    // 4,000 draws at 0.2: the standard deviation is about 25, so ±100 is four of them.
    assert.ok(Math.abs(routed - 800) < 100, `${routed} of 4000`);
  });

  it('overrides only the weights the variant names', () => {
    const experiment = new Experiment('recommendations', [{ ...popHeavy, share: 1 }]);
    const { variant, weights } = experiment.assign(customers[0]!);
    assert.equal(variant, 'pop-heavy');
    assert.deepEqual(weights, { ...DEFAULT_WEIGHTS, POPULARITY: 0.6 });
    assert.equal(Experiment.none().assign(customers[0]!).weights, DEFAULT_WEIGHTS);
  });

  it('moves no one between existing variants when a variant is appended', () => {
    const before = new Experiment('recommendations', [popHeavy]);
    const after = new Experiment('recommendations', [
      popHeavy,
      { name: 'no-family', share: 0.3, weights: { [CandidateSource.FAMILY]: 0 } },
    ]);
    for (const id of customers) {
      const was = before.assign(id).variant;
      const now = after.assign(id).variant;
      assert.ok(was === now || (was === 'control' && now === 'no-family'), `${was} → ${now}`);
    }
  });

  it('ignores the case of the customer id', () => {
    const experiment = new Experiment('recommendations', [{ ...popHeavy, share: 0.5 }]);
    for (const id of customers.slice(0, 200)) {
      assert.equal(experiment.assign(id.toUpperCase()).variant, experiment.assign(id).variant);
    }
  });
});
