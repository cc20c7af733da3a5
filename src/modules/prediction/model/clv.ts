/** How far ahead to value a customer, and how to discount it. */
export interface ClvHorizon {
  /** Horizon in the model's time unit (weeks for a weekly fit, days for a daily one). */
  horizon: number;
  /** Length of one discounting step in the same unit, e.g. 4.348 weeks for a month. */
  step: number;
  /** Yearly discount rate, e.g. 0.1 for 10 %; converted to the step's rate by compounding. */
  annualDiscountRate: number;
  /** Model time units in a year: 52.18 for weeks, 365.25 for days. */
  unitsPerYear: number;
}

/**
 * Customer lifetime value over a finite horizon: the expected purchases of each step times the
 * expected value of a purchase, each step discounted to today at the end of the step,
 *
 *   CLV = Σᵢ₌₁ⁿ (E[Y(i·s)] − E[Y((i−1)·s)]) · E[M] / (1 + d)ⁱ,   d = (1 + annual rate)^(s/year) − 1
 *
 * (the discrete form lifetimes uses). It relies on the Gamma-Gamma assumption that spend is
 * independent of the purchase process, which is what lets E[M] multiply the purchase count;
 * FHL's closed-form DERT (continuous discounting over an infinite horizon) is the alternative
 * when no horizon is wanted. The last step is shortened when the horizon is not a multiple of
 * the step, and discounted as a whole step.
 *
 * `cumulativePurchases(t)` is E[Y(t) | history] for this customer (e.g. `expectedPurchases`
 * from bgnbd.ts partially applied), which keeps this function independent of the purchase
 * model. Throws a RangeError on a non-positive horizon or step or a discount rate ≤ −1.
 */
export function discountedLifetimeValue(
  cumulativePurchases: (t: number) => number,
  expectedSpend: number,
  { horizon, step, annualDiscountRate, unitsPerYear }: ClvHorizon,
): number {
  if (!(horizon > 0 && step > 0 && unitsPerYear > 0 && annualDiscountRate > -1)) {
    throw new RangeError('CLV needs a positive horizon, step and year, and a rate above -100 %');
  }
  const stepRate = Math.pow(1 + annualDiscountRate, step / unitsPerYear) - 1;
  const steps = Math.ceil(horizon / step - 1e-9);
  let value = 0;
  let previous = cumulativePurchases(0);
  for (let i = 1; i <= steps; i++) {
    const current = cumulativePurchases(Math.min(i * step, horizon));
    value += ((current - previous) * expectedSpend) / Math.pow(1 + stepRate, i);
    previous = current;
  }
  return value;
}
