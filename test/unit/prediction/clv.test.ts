import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { expectedPurchases } from '../../../src/modules/prediction/model/bgnbd.js';
import { discountedLifetimeValue } from '../../../src/modules/prediction/model/clv.js';

const close = (actual: number, expected: number) =>
  assert.ok(
    Math.abs(actual - expected) < 1e-9 * Math.max(1, Math.abs(expected)),
    `${actual} vs ${expected}`,
  );

describe('discountedLifetimeValue', () => {
  it('is purchases × spend when nothing is discounted', () => {
    const value = discountedLifetimeValue((t) => 0.5 * t, 20, {
      horizon: 52,
      step: 4,
      annualDiscountRate: 0,
      unitsPerYear: 52,
    });
    close(value, 0.5 * 52 * 20);
  });

  it('discounts each step at the end of the step: a geometric sum for a steady buyer', () => {
    // 12 monthly steps of 1 purchase × $10 at 12.68 % a year (1 % a month).
    const value = discountedLifetimeValue((t) => t, 10, {
      horizon: 12,
      step: 1,
      annualDiscountRate: Math.pow(1.01, 12) - 1,
      unitsPerYear: 12,
    });
    const expected = (10 * (1 - Math.pow(1.01, -12))) / 0.01;
    close(value, expected);
  });

  it('shortens the last step when the horizon is not a multiple of it', () => {
    const value = discountedLifetimeValue((t) => t, 1, {
      horizon: 2.5,
      step: 1,
      annualDiscountRate: 0,
      unitsPerYear: 1,
    });
    close(value, 2.5);
  });

  it('values a CDNOW customer over a year with the fitted models (weeks, 10 % a year)', () => {
    const bgnbd = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 };
    const customer = { frequency: 2, recency: 30.43, age: 38.86 };
    const horizon = { horizon: 52, step: 52 / 12, unitsPerYear: 52, annualDiscountRate: 0.1 };
    const purchases = (t: number) => expectedPurchases(bgnbd, customer, t);
    const discounted = discountedLifetimeValue(purchases, 25, horizon);
    const undiscounted = discountedLifetimeValue(purchases, 25, {
      ...horizon,
      annualDiscountRate: 0,
    });
    close(undiscounted, purchases(52) * 25);
    assert.ok(discounted < undiscounted && discounted > undiscounted / 1.1);
  });

  it('refuses a non-positive horizon or step', () => {
    const base = { horizon: 1, step: 1, annualDiscountRate: 0, unitsPerYear: 1 };
    assert.throws(() => discountedLifetimeValue((t) => t, 1, { ...base, horizon: 0 }), RangeError);
    assert.throws(() => discountedLifetimeValue((t) => t, 1, { ...base, step: -1 }), RangeError);
  });
});
