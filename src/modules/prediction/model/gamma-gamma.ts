import { gammaln } from 'simple-statistics';

import { fitPositive, type ModelFit } from './maximum-likelihood.js';

/**
 * A repeat buyer as the Gamma-Gamma model sees them: `frequency` x ≥ 1 repeat purchases whose
 * values average `meanValue` m̄ > 0. (The first purchase is left out, as in the BG/NBD.)
 */
export interface SpendSummary {
  frequency: number;
  meanValue: number;
}

/**
 * Gamma-Gamma parameters (Fader, Hardie & Lee 2005, "RFM and CLV"; Colombo & Jiang 1999):
 * each transaction's value ~ Gamma(shape p, rate ν), and a customer's ν ~ Gamma(shape q,
 * rate v), so a customer's mean spend is E[pν⁻¹] = p·v/(q−1) across the population.
 */
export interface GammaGammaParameters {
  p: number;
  q: number;
  v: number;
}

/** A fitted Gamma-Gamma model: the maximum-likelihood estimates and how the fit went. */
export type GammaGammaFit = ModelFit<GammaGammaParameters>;

/**
 * Log-likelihood of one repeat buyer's mean spend (FHL "RFM and CLV", eq. 4, the density of
 * m̄ given x): with x·m̄ ~ Gamma(px, ν) and ν ~ Gamma(q, v),
 *
 *   f(m̄ | p, q, v, x) = Γ(px+q) / (Γ(px) Γ(q)) · v^q m̄^(px−1) x^(px) / (v + x m̄)^(px+q)
 */
export function gammaGammaLogLikelihood(
  parameters: GammaGammaParameters,
  customer: SpendSummary,
): number {
  const { p, q, v } = parameters;
  const { frequency: x, meanValue: m } = customer;
  const px = p * x;
  return (
    gammaln(px + q) -
    gammaln(px) -
    gammaln(q) +
    q * Math.log(v) +
    (px - 1) * Math.log(m) +
    px * Math.log(x) -
    (px + q) * Math.log(v + x * m)
  );
}

/**
 * Fits the Gamma-Gamma model by maximum likelihood: Nelder–Mead on (log p, log q, log v) from
 * (1, 1, 1). Only repeat buyers carry information about spend variation, so callers pass
 * customers with frequency ≥ 1; the model also assumes spend is independent of frequency,
 * which is worth checking (their correlation) before trusting it.
 *
 * Throws a RangeError on an empty population, a frequency below 1 or a mean value ≤ 0.
 */
export function fitGammaGamma(customers: readonly SpendSummary[]): GammaGammaFit {
  if (customers.length === 0) {
    throw new RangeError('fitGammaGamma needs at least one repeat buyer');
  }
  for (const { frequency, meanValue } of customers) {
    if (!(Number.isInteger(frequency) && frequency >= 1 && meanValue > 0)) {
      throw new RangeError(
        `not a repeat buyer's (frequency, mean value): (${frequency}, ${meanValue})`,
      );
    }
  }
  return fitPositive<GammaGammaParameters>(['p', 'q', 'v'], customers.length, (parameters) => {
    let total = 0;
    for (const customer of customers) {
      total += gammaGammaLogLikelihood(parameters, customer);
    }
    return total;
  });
}

/**
 * E[M | x, m̄]: a customer's expected average transaction value (FHL "RFM and CLV", eq. 5),
 * a weighted mean of the population mean p·v/(q−1) and the customer's own m̄, the weight on
 * m̄ growing with x:
 *
 *   (q−1)/(px+q−1) · p·v/(q−1) + px/(px+q−1) · m̄ = p(v + x m̄)/(px + q − 1)
 *
 * A customer with no repeat purchase (x = 0) gets the population mean. Throws a RangeError
 * when q ≤ 1, where the population mean is infinite.
 */
export function expectedAverageSpend(
  parameters: GammaGammaParameters,
  customer: SpendSummary,
): number {
  const { p, q, v } = parameters;
  if (!(q > 1)) {
    throw new RangeError(`expected spend is infinite when q <= 1 (q = ${q})`);
  }
  const { frequency: x, meanValue: m } = customer;
  return x === 0 ? (p * v) / (q - 1) : (p * (v + x * m)) / (p * x + q - 1);
}
