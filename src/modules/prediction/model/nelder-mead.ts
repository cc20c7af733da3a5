/** Options for `nelderMead`; the defaults suit a handful of log-scale parameters. */
export interface NelderMeadOptions {
  /** Size of the first simplex's steps from the start point, per coordinate. */
  initialStep?: number;
  /**
   * Stop when the simplex's function values differ by at most this, relative to the value's
   * magnitude (at least 1): a log-likelihood summed over 100k customers is ~10⁶, where an
   * absolute 1e-10 lies below the sum's rounding and the search never stops.
   */
  functionTolerance?: number;
  /** ...and its vertices lie within this of the best one, in every coordinate. */
  pointTolerance?: number;
  /** Function evaluations allowed across all restarts. */
  maxEvaluations?: number;
}

/** Where `nelderMead` stopped. `converged` is false when it ran out of evaluations. */
export interface MinimumResult {
  point: number[];
  value: number;
  evaluations: number;
  converged: boolean;
}

/**
 * Minimises `f` by the Nelder–Mead simplex method (Nelder & Mead 1965, with the standard
 * coefficients: reflection 1, expansion 2, contraction ½, shrink ½), restarting from the best
 * point until a restart no longer improves it: a simplex can collapse onto a ridge short of
 * the minimum, and a fresh simplex is the usual cure (Press et al., Numerical Recipes §10.5).
 *
 * Written here rather than taken from npm: the candidates found (`fmin` 0.0.4,
 * `optimization-js`, `numeric`) have had no release for years, and the method is 80 lines.
 * `f` may return NaN or Infinity for points outside its domain; those count as worse than any
 * finite value. Throws only what `f` throws.
 */
export function nelderMead(
  f: (point: readonly number[]) => number,
  start: readonly number[],
  options: NelderMeadOptions = {},
): MinimumResult {
  const {
    initialStep = 0.5,
    functionTolerance = 1e-10,
    pointTolerance = 1e-9,
    maxEvaluations = 20_000,
  } = options;
  let evaluations = 0;
  const evaluate = (point: number[]): number => {
    evaluations++;
    const value = f(point);
    return Number.isNaN(value) ? Infinity : value;
  };

  const tolerance = (value: number) => functionTolerance * Math.max(1, Math.abs(value));
  let best = { point: [...start], value: evaluate([...start]) };
  let converged = false;
  for (let restart = 0; restart < 20 && evaluations < maxEvaluations; restart++) {
    const run = simplexSearch(best.point, best.value, initialStep);
    const improved = run.value < best.value - tolerance(best.value);
    best = run.value <= best.value ? run : best;
    if (run.converged && !improved && restart > 0) {
      converged = true;
      break;
    }
  }
  return { point: best.point, value: best.value, evaluations, converged };

  function simplexSearch(origin: number[], originValue: number, step: number) {
    const n = origin.length;
    const vertices: { point: number[]; value: number }[] = [{ point: origin, value: originValue }];
    for (let i = 0; i < n; i++) {
      const point = [...origin];
      point[i] = point[i]! + step;
      vertices.push({ point, value: evaluate(point) });
    }
    while (evaluations < maxEvaluations) {
      vertices.sort((left, right) => left.value - right.value);
      const lowest = vertices[0]!;
      const highest = vertices[n]!;
      const secondHighest = vertices[n - 1]!;
      if (
        highest.value - lowest.value <= tolerance(lowest.value) &&
        vertices.every((v) =>
          v.point.every((x, i) => Math.abs(x - lowest.point[i]!) <= pointTolerance),
        )
      ) {
        return { ...lowest, converged: true };
      }
      const centroid = new Array<number>(n).fill(0);
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < n; i++) {
          centroid[i] = centroid[i]! + vertices[j]!.point[i]! / n;
        }
      }
      const towards = (coefficient: number) =>
        centroid.map((c, i) => c + coefficient * (highest.point[i]! - c));
      const reflected = towards(-1);
      const reflectedValue = evaluate(reflected);
      if (reflectedValue < lowest.value) {
        const expanded = towards(-2);
        const expandedValue = evaluate(expanded);
        vertices[n] =
          expandedValue < reflectedValue
            ? { point: expanded, value: expandedValue }
            : { point: reflected, value: reflectedValue };
      } else if (reflectedValue < secondHighest.value) {
        vertices[n] = { point: reflected, value: reflectedValue };
      } else {
        const outside = reflectedValue < highest.value;
        const contracted = towards(outside ? -0.5 : 0.5);
        const contractedValue = evaluate(contracted);
        if (contractedValue < (outside ? reflectedValue : highest.value)) {
          vertices[n] = { point: contracted, value: contractedValue };
        } else {
          for (let j = 1; j <= n; j++) {
            const point = vertices[j]!.point.map(
              (x, i) => lowest.point[i]! + 0.5 * (x - lowest.point[i]!),
            );
            vertices[j] = { point, value: evaluate(point) };
          }
        }
      }
    }
    vertices.sort((left, right) => left.value - right.value);
    return { ...vertices[0]!, converged: false };
  }
}
