/** z for a two-sided 95 % interval: the 97.5th percentile of the standard normal. */
export const Z_95 = 1.959963984540054;

/** A share with its confidence interval, all in [0, 1]. */
export interface Proportion {
  value: number;
  low: number;
  high: number;
}

/**
 * The Wilson score interval for `successes` out of `trials` (Wilson 1927; Brown, Cai and
 * DasGupta 2001 recommend it over the normal approximation for small counts and shares near
 * 0 or 1, which click-through rates are). Null when there are no trials: nothing to estimate.
 *
 * @throws RangeError when the counts are negative or successes exceed trials.
 */
export function wilsonInterval(successes: number, trials: number, z = Z_95): Proportion | null {
  if (successes < 0 || trials < 0 || successes > trials) {
    throw new RangeError(`wilsonInterval: ${successes} successes out of ${trials} trials`);
  }
  if (trials === 0) {
    return null;
  }
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  // At 0 (or n) successes the bound is exactly 0 (or 1); rounding would miss it by a hair.
  return {
    value: p,
    low: successes === 0 ? 0 : Math.max(0, centre - half),
    high: successes === trials ? 1 : Math.min(1, centre + half),
  };
}
