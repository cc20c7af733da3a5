import { gammaln } from 'simple-statistics';

import { hyp2f1 } from './hypergeometric.js';
import { fitPositive, type ModelFit } from './maximum-likelihood.js';

/**
 * One customer's purchase history in the form the BG/NBD needs, all times in one unit (the
 * model's period, e.g. weeks or days) measured from the customer's first purchase:
 * `frequency` x = repeat purchases (purchases after the first), `recency` t_x = time of the
 * last purchase (0 when x = 0), `age` T = time from the first purchase to the end of the
 * observation period.
 */
export interface RfmSummary {
  frequency: number;
  recency: number;
  age: number;
}

/**
 * BG/NBD parameters (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): while
 * alive a customer buys at Poisson rate λ ~ Gamma(shape r, rate α); after each purchase they
 * drop out with probability p ~ Beta(a, b).
 */
export interface BgNbdParameters {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** A fitted BG/NBD model: the maximum-likelihood estimates and how the fit went. */
export type BgNbdFit = ModelFit<BgNbdParameters>;

/**
 * The BG/NBD log-likelihood of one customer, FHL 2005 eq. 6, in logs throughout:
 *
 *   L = B(a, b+x)/B(a, b) · Γ(r+x) αʳ / Γ(r) · [ (α+T)^−(r+x) + 1{x>0} · a/(b+x−1) · (α+t_x)^−(r+x) ]
 *
 * The bracket is summed as log-sum-exp so that neither term underflows for long histories.
 */
export function bgNbdLogLikelihood(parameters: BgNbdParameters, customer: RfmSummary): number {
  const { r, alpha, a, b } = parameters;
  const { frequency: x, recency: tx, age: T } = customer;
  const common =
    gammaln(r + x) -
    gammaln(r) +
    r * Math.log(alpha) +
    gammaln(a + b) +
    gammaln(b + x) -
    gammaln(b) -
    gammaln(a + b + x);
  const stillAlive = -(r + x) * Math.log(alpha + T);
  if (x === 0) {
    return common + stillAlive;
  }
  const droppedOut = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
  return common + logAddExp(stillAlive, droppedOut);
}

/**
 * Fits the BG/NBD by maximum likelihood: Nelder–Mead on (log r, log α, log a, log b), so every
 * step stays inside the positive domain without constraints, from (1, 1, 1, 1) as lifetimes
 * does. Customers with the same (x, t_x, T) are weighted rather than repeated, which matters
 * for daily data where many one-time buyers share a row.
 *
 * Throws a RangeError on an empty population or an invalid summary (see `assertRfmSummary`).
 */
export function fitBgNbd(customers: readonly RfmSummary[]): BgNbdFit {
  if (customers.length === 0) {
    throw new RangeError('fitBgNbd needs at least one customer');
  }
  customers.forEach(assertRfmSummary);
  const groups = groupIdentical(customers);
  return fitPositive<BgNbdParameters>(['r', 'alpha', 'a', 'b'], customers.length, (parameters) => {
    let total = 0;
    for (const { customer, count } of groups) {
      total += count * bgNbdLogLikelihood(parameters, customer);
    }
    return total;
  });
}

/**
 * P(alive | x, t_x, T), FHL 2005 eq. 11. A customer with no repeat purchase is alive with
 * probability 1: in the BG/NBD a customer can only drop out right after a purchase, and the
 * first purchase is the start of the clock.
 */
export function probabilityAlive(parameters: BgNbdParameters, customer: RfmSummary): number {
  const { r, alpha, a, b } = parameters;
  const { frequency: x, recency: tx, age: T } = customer;
  if (x === 0) {
    return 1;
  }
  const logOdds =
    Math.log(a) - Math.log(b + x - 1) + (r + x) * Math.log((alpha + T) / (alpha + tx));
  return 1 / (1 + Math.exp(logOdds));
}

/**
 * E[Y(t) | x, t_x, T]: expected purchases in the next `t` periods of a customer with this
 * history, FHL 2005 eq. 10:
 *
 *   (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; z)] / [1 + 1{x>0} a/(b+x−1) ((α+T)/(α+t_x))^(r+x)]
 *
 * with z = t/(α+T+t). The ₂F₁ is taken through Euler's transformation,
 * (1−z)^(r+x) ₂F₁(r+x, b+x; c; z) = (1−z)^(a−1) ₂F₁(a+b−1−r, a−1; c; z) with c = a+b+x−1,
 * whose parameters do not grow with x: the direct series sums terms of size ~(1−z)^−x for a
 * frequent buyer only for them to cancel. a = 1 is the removable singularity of the formula;
 * it is nudged by 1e-9, which changes the result far below the fit's own uncertainty.
 *
 * Throws a RangeError when t < 0 or the series does not converge (see `hyp2f1`).
 */
export function expectedPurchases(
  parameters: BgNbdParameters,
  customer: RfmSummary,
  t: number,
): number {
  if (!(t >= 0)) {
    throw new RangeError(`expectedPurchases needs t >= 0, got ${t}`);
  }
  if (t === 0) {
    return 0;
  }
  const { r, alpha, b } = parameters;
  const a = Math.abs(parameters.a - 1) < 1e-9 ? 1 + 1e-9 : parameters.a;
  const { frequency: x, recency: tx, age: T } = customer;
  const z = t / (alpha + T + t);
  const c = a + b + x - 1;
  const series = hyp2f1(a + b - 1 - r, a - 1, c, z).value;
  const numerator = 1 - Math.pow(1 - z, a - 1) * series;
  const denominator =
    x === 0 ? 1 : 1 + (a / (b + x - 1)) * Math.pow((alpha + T) / (alpha + tx), r + x);
  return ((c / (a - 1)) * numerator) / denominator;
}

/**
 * E[X(t)]: expected purchases in (0, t] of a customer just acquired, FHL 2005 eq. 9. Used to
 * check a fit against a population's cumulative purchases.
 */
export function expectedPurchasesOfNewCustomer(parameters: BgNbdParameters, t: number): number {
  const { r, alpha, b } = parameters;
  const a = Math.abs(parameters.a - 1) < 1e-9 ? 1 + 1e-9 : parameters.a;
  const z = t / (alpha + t);
  // Euler's transformation again: (α/(α+t))^r ₂F₁(r, b; a+b−1; z) = (1−z)^(a−1) ₂F₁(a+b−1−r, a−1; a+b−1; z).
  const series = hyp2f1(a + b - 1 - r, a - 1, a + b - 1, z).value;
  return ((a + b - 1) / (a - 1)) * (1 - Math.pow(1 - z, a - 1) * series);
}

/**
 * Throws a RangeError unless x is a non-negative integer, 0 ≤ t_x ≤ T, T > 0 and t_x = 0 when
 * x = 0: anything else is not a history the model can have produced.
 */
export function assertRfmSummary(customer: RfmSummary): void {
  const { frequency: x, recency: tx, age: T } = customer;
  const valid = Number.isInteger(x) && x >= 0 && tx >= 0 && T > 0 && tx <= T && (x > 0 || tx === 0);
  if (!valid) {
    throw new RangeError(`not a valid (frequency, recency, age): (${x}, ${tx}, ${T})`);
  }
}

function logAddExp(left: number, right: number): number {
  const larger = Math.max(left, right);
  return larger + Math.log(Math.exp(left - larger) + Math.exp(right - larger));
}

function groupIdentical(customers: readonly RfmSummary[]) {
  const groups = new Map<string, { customer: RfmSummary; count: number }>();
  for (const customer of customers) {
    const key = `${customer.frequency}|${customer.recency}|${customer.age}`;
    const group = groups.get(key);
    if (group) {
      group.count++;
    } else {
      groups.set(key, { customer, count: 1 });
    }
  }
  return [...groups.values()];
}
