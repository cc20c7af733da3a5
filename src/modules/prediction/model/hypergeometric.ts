/** What `hyp2f1` returns: the sum and how many series terms it took. */
export interface SeriesResult {
  value: number;
  terms: number;
}

/**
 * The Gaussian hypergeometric function ₂F₁(a, b; c; z) = Σₖ (a)ₖ(b)ₖ / ((c)ₖ k!) zᵏ for
 * 0 ≤ z < 1, summed term by term until the remainder is provably below `relativeTolerance`
 * times the partial sum.
 *
 * The bound: term k+1 over term k is z·(a+k)(b+k)/((c+k)(1+k)). Once a+k, b+k and c+k are all
 * positive, every later term has the sign of term k, and for j ≥ k the factors (a+j)/(1+j) and
 * (b+j)/(c+j) move monotonically towards 1, so each is at most max(1, its value at k). With
 * ρ = z·max(1, (a+k)/(1+k))·max(1, (b+k)/(c+k)) < 1 the tail after term k is at most
 * |term k|·ρ/(1 − ρ) (a geometric series), which is what is compared with the tolerance.
 *
 * Throws a RangeError when z is outside [0, 1), c is zero or a negative integer (the series
 * is undefined), or the bound is not reached within `maxTerms` (z very close to 1).
 */
export function hyp2f1(
  a: number,
  b: number,
  c: number,
  z: number,
  { relativeTolerance = 1e-14, maxTerms = 100_000 } = {},
): SeriesResult {
  if (!(z >= 0 && z < 1)) {
    throw new RangeError(`hyp2f1 needs 0 <= z < 1, got ${z}`);
  }
  if (c <= 0 && Number.isInteger(c)) {
    throw new RangeError(`hyp2f1 is undefined for c = ${c} (zero or a negative integer)`);
  }
  let term = 1;
  let sum = 1;
  for (let k = 0; k < maxTerms; k++) {
    const allPositive = a + k > 0 && b + k > 0 && c + k > 0;
    if (allPositive) {
      const rho = z * Math.max(1, (a + k) / (1 + k)) * Math.max(1, (b + k) / (c + k));
      // A terminating series (a or b a non-positive integer) ends with an exact zero term.
      if (
        term === 0 ||
        (rho < 1 && (Math.abs(term) * rho) / (1 - rho) <= relativeTolerance * Math.abs(sum))
      ) {
        return { value: sum, terms: k + 1 };
      }
    }
    term *= ((a + k) * (b + k) * z) / ((c + k) * (k + 1));
    sum += term;
  }
  throw new RangeError(`hyp2f1(${a}, ${b}; ${c}; ${z}) did not converge within ${maxTerms} terms`);
}
