/**
 * Asymptotic standard errors of maximum-likelihood estimates: the square roots of the diagonal
 * of the inverse observed information, i.e. of the Hessian of the negative log-likelihood at
 * the optimum, taken by central finite differences in the natural (not log) parameters.
 *
 * Steps are relative, h = ε^¼·|θᵢ| (ε the float64 epsilon), the usual balance between the
 * O(h²) truncation error of a central second difference and the O(ε·f/h²) rounding error.
 *
 * Returns null when the Hessian is not positive definite (the optimum is not a strict local
 * minimum, so the normal approximation does not apply). Throws only what `negLogLikelihood`
 * throws.
 */
export function standardErrors(
  negLogLikelihood: (theta: readonly number[]) => number,
  optimum: readonly number[],
): number[] | null {
  const inverse = choleskyInverse(numericHessian(negLogLikelihood, optimum));
  return inverse === null ? null : inverse.map((row, i) => Math.sqrt(row[i]!));
}

/** The Hessian of `f` at `at` by central differences (exported for tests). */
export function numericHessian(
  f: (x: readonly number[]) => number,
  at: readonly number[],
): number[][] {
  const n = at.length;
  const steps = at.map((x) => Math.pow(Number.EPSILON, 0.25) * Math.max(Math.abs(x), 1e-8));
  const shifted = (moves: [index: number, sign: number][]) => {
    const point = [...at];
    for (const [i, sign] of moves) {
      point[i] = point[i]! + sign * steps[i]!;
    }
    return f(point);
  };
  const centre = f(at);
  const hessian = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    const hi = steps[i]!;
    hessian[i]![i] = (shifted([[i, 1]]) - 2 * centre + shifted([[i, -1]])) / (hi * hi);
    for (let j = 0; j < i; j++) {
      const value =
        (shifted([
          [i, 1],
          [j, 1],
        ]) -
          shifted([
            [i, 1],
            [j, -1],
          ]) -
          shifted([
            [i, -1],
            [j, 1],
          ]) +
          shifted([
            [i, -1],
            [j, -1],
          ])) /
        (4 * hi * steps[j]!);
      hessian[i]![j] = value;
      hessian[j]![i] = value;
    }
  }
  return hessian;
}

/** Inverse of a symmetric matrix by Cholesky, or null when it is not positive definite. */
export function choleskyInverse(matrix: readonly (readonly number[])[]): number[][] | null {
  const n = matrix.length;
  const lower = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i]![j]!;
      for (let k = 0; k < j; k++) {
        sum -= lower[i]![k]! * lower[j]![k]!;
      }
      if (i === j) {
        if (!(sum > 0)) {
          return null;
        }
        lower[i]![i] = Math.sqrt(sum);
      } else {
        lower[i]![j] = sum / lower[j]![j]!;
      }
    }
  }
  // Solve L Lᵀ X = I one column at a time.
  const inverse = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let column = 0; column < n; column++) {
    const y = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      let sum = i === column ? 1 : 0;
      for (let k = 0; k < i; k++) {
        sum -= lower[i]![k]! * y[k]!;
      }
      y[i] = sum / lower[i]![i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let sum = y[i]!;
      for (let k = i + 1; k < n; k++) {
        sum -= lower[k]![i]! * inverse[k]![column]!;
      }
      inverse[i]![column] = sum / lower[i]![i]!;
    }
  }
  return inverse;
}
