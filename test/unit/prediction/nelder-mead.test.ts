import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { nelderMead } from '../../../src/modules/prediction/model/nelder-mead.js';
import {
  choleskyInverse,
  numericHessian,
  standardErrors,
} from '../../../src/modules/prediction/model/standard-errors.js';

describe('nelderMead', () => {
  it("finds the minimum of Rosenbrock's valley at (1, 1)", () => {
    const rosenbrock = ([x, y]: readonly number[]) => 100 * (y! - x! * x!) ** 2 + (1 - x!) ** 2;
    const result = nelderMead(rosenbrock, [-1.2, 1]);
    assert.ok(result.converged);
    assert.ok(Math.abs(result.point[0]! - 1) < 1e-6 && Math.abs(result.point[1]! - 1) < 1e-6);
  });

  it('treats NaN as worse than anything, so a domain edge does not trap it', () => {
    const f = ([x]: readonly number[]) => (x! < 0 ? NaN : (x! - 2) ** 2);
    const result = nelderMead(f, [0.1]);
    assert.ok(Math.abs(result.point[0]! - 2) < 1e-6);
  });
});

describe('standardErrors', () => {
  it('recovers σ/√n for the mean of a normal sample', () => {
    // −log L(μ) = Σ (yᵢ − μ)² / (2σ²) with σ = 2 and n = 100: se(μ̂) = 0.2.
    const n = 100;
    const negLogLikelihood = ([mu]: readonly number[]) => (n * (mu! - 3) ** 2) / (2 * 4);
    const [error] = standardErrors(negLogLikelihood, [3])!;
    assert.ok(Math.abs(error! - 0.2) < 1e-6, `${error}`);
  });

  it('differentiates a quadratic form exactly enough, cross terms included', () => {
    const f = ([x, y]: readonly number[]) => 3 * x! * x! + 2 * x! * y! + 5 * y! * y!;
    const hessian = numericHessian(f, [1, 2]);
    const expected = [
      [6, 2],
      [2, 10],
    ];
    hessian.forEach((row, i) =>
      row.forEach((value, j) => assert.ok(Math.abs(value - expected[i]![j]!) < 1e-5)),
    );
  });

  it('is null at a saddle, where the normal approximation does not hold', () => {
    assert.equal(
      standardErrors(([x, y]) => x! * x! - y! * y!, [1, 1]),
      null,
    );
    assert.equal(
      choleskyInverse([
        [1, 2],
        [2, 1],
      ]),
      null,
    );
  });
});
