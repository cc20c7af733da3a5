import {
  type ComparisonVector,
  FIELD_LEVELS,
  LINKAGE_FIELDS,
  type LinkageField,
} from './linkage.features.js';

/**
 * A Fellegi–Sunter record-linkage model: per field and agreement level, `m` = P(level | the
 * pair is one person) and `u` = P(level | two people); `lambda` = P(one person) among the
 * candidate pairs. A field missing on either side adds no evidence.
 */
export interface LinkageModel {
  m: Record<LinkageField, readonly number[]>;
  u: Record<LinkageField, readonly number[]>;
  lambda: number;
  /** `priors` (the documented defaults) or `em` (fitted on this population). */
  source: 'priors' | 'em';
}

/**
 * Used when the population is too small to fit (a test database, a young deployment). The m
 * values say how often one person's two records agree (typos, new phones, a second address);
 * the u values how often two people who share a block do (a postcode is shared by many, a
 * device by a household, a full e-mail local part or phone by almost none). An entirely
 * different name is strong evidence against: a household sharing a device and a postcode
 * stays below one half.
 */
export const PRIOR_MODEL: LinkageModel = {
  m: {
    name: [0.75, 0.15, 0.09, 0.01],
    emailLocal: [0.8, 0.2],
    phone: [0.7, 0.3],
    postcode: [0.85, 0.15],
    device: [0.3, 0.7],
  },
  u: {
    name: [0.0005, 0.002, 0.01, 0.9875],
    emailLocal: [0.0005, 0.9995],
    phone: [0.0005, 0.9995],
    postcode: [0.05, 0.95],
    device: [0.01, 0.99],
  },
  lambda: 0.1,
  source: 'priors',
};

// Probabilities are kept off 0 and 1 so that no single field can decide a pair alone.
const FLOOR = 1e-4;
const clamp = (p: number) => Math.min(1 - FLOOR, Math.max(FLOOR, p));

/** The match weight of one level: log2(m/u), the evidence it adds (negative: against). */
export function levelWeight(model: LinkageModel, field: LinkageField, level: number): number {
  return Math.log2(model.m[field][level]! / model.u[field][level]!);
}

export interface FieldEvidence {
  field: LinkageField;
  level: string;
  weight: number;
}

export interface PairScore {
  /** log2 of the prior odds plus every field's weight. */
  matchWeight: number;
  /** The posterior probability that the pair is one person. */
  confidence: number;
  evidence: FieldEvidence[];
}

export function scorePair(model: LinkageModel, vector: ComparisonVector): PairScore {
  const evidence: FieldEvidence[] = [];
  let matchWeight = Math.log2(model.lambda / (1 - model.lambda));
  for (const field of LINKAGE_FIELDS) {
    const level = vector[field];
    if (level === null) {
      continue;
    }
    const weight = levelWeight(model, field, level);
    matchWeight += weight;
    evidence.push({ field, level: FIELD_LEVELS[field][level]!, weight });
  }
  return { matchWeight, confidence: 1 / (1 + 2 ** -matchWeight), evidence };
}

/** Per field, the weighted share of each level among the pairs that have the field. */
function levelShares(
  vectors: readonly ComparisonVector[],
  weightOf: (index: number) => number,
  smoothing: number,
): Record<LinkageField, number[]> {
  return Object.fromEntries(
    LINKAGE_FIELDS.map((field) => {
      const sums = FIELD_LEVELS[field].map(() => smoothing);
      vectors.forEach((vector, index) => {
        const level = vector[field];
        if (level !== null) {
          sums[level]! += weightOf(index);
        }
      });
      const total = sums.reduce((a, b) => a + b, 0);
      return [field, sums.map((x) => clamp(x / total))];
    }),
  ) as unknown as Record<LinkageField, number[]>;
}

/**
 * Fits m, u and lambda by expectation–maximisation over the candidate pairs (Winkler's EM for
 * record linkage), starting from `start`. u is fitted on the candidates too, not taken from
 * random pairs: blocking makes non-matches among candidates agree far more often than random
 * pairs do (a household shares a postcode and a device), and a u from random pairs would take
 * every candidate for a match. Returns null when EM ends degenerate (one class takes every
 * pair, or agreement stops favouring a match); the caller then keeps the priors.
 */
export function fitEm(
  vectors: readonly ComparisonVector[],
  start: LinkageModel = PRIOR_MODEL,
  maxIterations = 500,
): LinkageModel | null {
  let model: LinkageModel = { ...start, source: 'em' };
  for (let iteration = 0; iteration < maxIterations; iteration += 1) {
    const g = vectors.map((vector) => scorePair(model, vector).confidence);
    const lambda = clamp(g.reduce((a, b) => a + b, 0) / Math.max(vectors.length, 1));
    // A small pseudo-count of 1e-3 keeps a level nobody reached off zero.
    const m = levelShares(vectors, (i) => g[i]!, 1e-3);
    const u = levelShares(vectors, (i) => 1 - g[i]!, 1e-3);
    const change =
      Math.abs(lambda - model.lambda) +
      LINKAGE_FIELDS.reduce(
        (sum, field) =>
          sum +
          m[field].reduce((s, p, i) => s + Math.abs(p - model.m[field][i]!), 0) +
          u[field].reduce((s, p, i) => s + Math.abs(p - model.u[field][i]!), 0),
        0,
      );
    model = { m, u, lambda, source: 'em' };
    if (!Number.isFinite(change)) {
      return null;
    }
    if (change < 1e-7) {
      break;
    }
  }
  const degenerate = model.lambda <= 2 * FLOOR || model.lambda >= 1 - 2 * FLOOR;
  // Agreeing on a name or an e-mail must still speak for a match, or the classes swapped. (A
  // postcode or device may not: among candidates, households share them more than duplicates.)
  const swapped = (['name', 'emailLocal'] as const).some(
    (field) => model.m[field][0]! < model.u[field][0]!,
  );
  return degenerate || swapped ? null : model;
}
