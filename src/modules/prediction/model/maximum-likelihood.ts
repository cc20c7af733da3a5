import { nelderMead } from './nelder-mead.js';
import { standardErrors } from './standard-errors.js';

/** A maximum-likelihood estimate of positive parameters, with how the search went. */
export interface PositiveEstimate {
  theta: number[];
  /** Asymptotic standard errors; null when the Hessian at the optimum is not positive definite. */
  errors: number[] | null;
  logLikelihood: number;
  evaluations: number;
  converged: boolean;
}

/**
 * Minimises a negative log-likelihood over `dimensions` positive parameters: searched on their
 * logarithms (so no bound is ever crossed) from 1 each, standard errors taken on the natural
 * scale at the optimum.
 */
export function estimatePositive(
  negLogLikelihood: (theta: readonly number[]) => number,
  dimensions: number,
): PositiveEstimate {
  const result = nelderMead(
    (logTheta) => negLogLikelihood(logTheta.map(Math.exp)),
    new Array<number>(dimensions).fill(0),
  );
  const theta = result.point.map(Math.exp);
  return {
    theta,
    errors: standardErrors(negLogLikelihood, theta),
    logLikelihood: -result.value,
    evaluations: result.evaluations,
    converged: result.converged,
  };
}

/** A fitted model: the maximum-likelihood estimates of its named parameters and how it went. */
export interface ModelFit<P> {
  parameters: P;
  /** Asymptotic standard errors; null when the Hessian at the optimum is not positive definite. */
  standardErrors: P | null;
  logLikelihood: number;
  customers: number;
  evaluations: number;
  converged: boolean;
}

/**
 * Fits a model of named positive parameters to `customers` customers by maximum likelihood, as
 * {@link estimatePositive} does; `names` orders the parameters in the search (each starts at 1).
 * `logLikelihood` is the population's total for the given parameters.
 */
export function fitPositive<P extends { [K in keyof P]: number }>(
  names: readonly (keyof P)[],
  customers: number,
  logLikelihood: (parameters: P) => number,
): ModelFit<P> {
  const named = (values: readonly number[]) =>
    Object.fromEntries(names.map((name, i) => [name, values[i]!])) as P;
  const estimate = estimatePositive((theta) => -logLikelihood(named(theta)), names.length);
  return {
    parameters: named(estimate.theta),
    standardErrors: estimate.errors === null ? null : named(estimate.errors),
    logLikelihood: estimate.logLikelihood,
    customers,
    evaluations: estimate.evaluations,
    converged: estimate.converged,
  };
}
