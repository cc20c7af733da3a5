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
