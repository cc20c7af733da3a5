import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  assertRfmSummary,
  bgNbdLogLikelihood,
  expectedPurchases,
  expectedPurchasesOfNewCustomer,
  probabilityAlive,
} from '../../../src/modules/prediction/model/bgnbd.js';

// FHL 2005's CDNOW estimates.
const CDNOW = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 };

describe('probabilityAlive', () => {
  it('is exactly 1 for a customer with no repeat purchase, whatever their age', () => {
    for (const age of [0.1, 38.86, 500]) {
      assert.equal(probabilityAlive(CDNOW, { frequency: 0, recency: 0, age }), 1);
    }
  });

  it('is 1 / (1 + a/(b+x−1)) when the last purchase was just now (t_x = T)', () => {
    const customer = { frequency: 3, recency: 20, age: 20 };
    assert.ok(
      Math.abs(probabilityAlive(CDNOW, customer) - 1 / (1 + CDNOW.a / (CDNOW.b + 2))) < 1e-15,
    );
  });

  it('falls as the silence since the last purchase grows', () => {
    const alive = [10, 20, 30, 38].map((recency) =>
      probabilityAlive(CDNOW, { frequency: 4, recency, age: 38.86 }),
    );
    assert.deepEqual(
      [...alive].sort((x, y) => x - y),
      alive,
    );
    assert.ok(alive[0]! > 0 && alive[3]! < 1);
  });

  it('stays a probability for a very frequent buyer long gone (no overflow)', () => {
    const value = probabilityAlive(CDNOW, { frequency: 2000, recency: 1, age: 1000 });
    assert.ok(value >= 0 && value < 1e-300);
  });
});

describe('expectedPurchases', () => {
  it("gives 1.226 for FHL's worked example (x = 2, t_x = 30.43, T = 38.86, t = 39)", () => {
    const value = expectedPurchases(CDNOW, { frequency: 2, recency: 30.43, age: 38.86 }, 39);
    assert.ok(Math.abs(value - 1.226) < 5e-4, `${value}`);
  });

  it('is 0 at t = 0 and grows with t', () => {
    const customer = { frequency: 1, recency: 5, age: 30 };
    assert.equal(expectedPurchases(CDNOW, customer, 0), 0);
    const values = [1, 10, 100, 1000].map((t) => expectedPurchases(CDNOW, customer, t));
    assert.deepEqual(
      [...values].sort((x, y) => x - y),
      values,
    );
  });

  it('equals E[X(t)] of a new customer for x = 0 and T → 0', () => {
    const conditional = expectedPurchases(CDNOW, { frequency: 0, recency: 0, age: 1e-9 }, 52);
    assert.ok(Math.abs(conditional - expectedPurchasesOfNewCustomer(CDNOW, 52)) < 1e-8);
  });

  it('is finite for a frequent buyer, where the untransformed series would overflow', () => {
    const value = expectedPurchases(CDNOW, { frequency: 1500, recency: 100, age: 100 }, 100);
    assert.ok(Number.isFinite(value) && value > 100, `${value}`);
  });

  it('survives a = 1, the removable singularity of the formula', () => {
    const customer = { frequency: 2, recency: 10, age: 20 };
    const at = expectedPurchases({ ...CDNOW, a: 1 }, customer, 10);
    const near = expectedPurchases({ ...CDNOW, a: 1 + 1e-5 }, customer, 10);
    assert.ok(Math.abs(at - near) < 1e-4, `${at} vs ${near}`);
  });
});

describe('bgNbdLogLikelihood', () => {
  it('is log[(α/(α+T))^r] for a customer with no repeat purchase', () => {
    const value = bgNbdLogLikelihood(CDNOW, { frequency: 0, recency: 0, age: 38.86 });
    const expected = CDNOW.r * Math.log(CDNOW.alpha / (CDNOW.alpha + 38.86));
    assert.ok(Math.abs(value - expected) < 1e-12);
  });
});

describe('assertRfmSummary', () => {
  it('refuses histories the model cannot produce', () => {
    for (const bad of [
      { frequency: 1.5, recency: 1, age: 2 },
      { frequency: -1, recency: 0, age: 2 },
      { frequency: 2, recency: 3, age: 2 },
      { frequency: 0, recency: 1, age: 2 },
      { frequency: 0, recency: 0, age: 0 },
    ]) {
      assert.throws(() => assertRfmSummary(bad), RangeError);
    }
  });
});
