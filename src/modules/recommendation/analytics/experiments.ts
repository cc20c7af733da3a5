import { createHash } from 'node:crypto';

import { type BlendWeights, DEFAULT_WEIGHTS } from '../blend.js';
import { CONTROL_VARIANT, type RecommendationVariant } from './experiment.kinds.js';

/** The variant a customer is in, with the weights it blends with. */
export interface Assignment {
  variant: string;
  weights: BlendWeights;
}

/**
 * Where a customer falls in [0, 1): the first 48 bits of SHA-256 over the experiment's name
 * and the customer id. The same on every instance and every restart, and independent across
 * experiments (a new name re-draws everyone).
 */
export function bucketOf(experiment: string, customerId: string): number {
  const digest = createHash('sha256').update(`${experiment}\u0000${customerId}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/**
 * Routes customers to variants: each variant holds the next `share` of [0, 1) in the order
 * configured, and the rest is `control`. Appending a variant (or growing the last one's share)
 * therefore only moves customers out of control; reordering or shrinking moves others too.
 */
export class Experiment {
  private readonly assignments: { upTo: number; assignment: Assignment }[];
  private readonly control: Assignment;

  constructor(
    readonly name: string,
    variants: readonly RecommendationVariant[],
    baseWeights: BlendWeights = DEFAULT_WEIGHTS,
  ) {
    this.control = { variant: CONTROL_VARIANT, weights: baseWeights };
    let upTo = 0;
    this.assignments = variants.map((v) => {
      upTo += v.share;
      return { upTo, assignment: { variant: v.name, weights: { ...baseWeights, ...v.weights } } };
    });
  }

  /** Everyone in control: the blend without an experiment (offline evaluation). */
  static none(baseWeights: BlendWeights = DEFAULT_WEIGHTS): Experiment {
    return new Experiment('none', [], baseWeights);
  }

  assign(customerId: string): Assignment {
    const bucket = bucketOf(this.name, customerId.toLowerCase());
    return this.assignments.find((a) => bucket < a.upTo)?.assignment ?? this.control;
  }
}
