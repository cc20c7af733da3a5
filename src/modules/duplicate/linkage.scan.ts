import {
  blockingKeys,
  blockingKind,
  type ComparisonVector,
  compareProfiles,
  type LinkageProfile,
} from './linkage.features.js';
import { fitEm, type LinkageModel, PRIOR_MODEL, scorePair } from './linkage.model.js';
import type { PairScore } from './linkage.model.js';

/** A candidate pair (ids in ascending order) with the kinds of block that brought it. */
export interface CandidatePair {
  a: string;
  b: string;
  blockingKinds: string[];
}

export interface ScoredPair extends CandidatePair, PairScore {}

export interface LinkageOptions {
  /**
   * A block larger than this is skipped: a device shared by a whole office or a common name in
   * a big postcode says little, and comparing it would be quadratic.
   */
  maxBlockSize: number;
  /** Fit by EM only with at least this many candidate pairs; fewer keep the priors. */
  minPairsForEm: number;
}

export const DEFAULT_LINKAGE_OPTIONS: LinkageOptions = {
  maxBlockSize: 50,
  minPairsForEm: 200,
};

/** Every pair sharing a block, once, except those `skip` says were decided already. */
export function candidatePairs(
  profiles: readonly LinkageProfile[],
  maxBlockSize: number,
  skip: (a: string, b: string) => boolean = () => false,
): CandidatePair[] {
  const blocks = new Map<string, string[]>();
  for (const profile of profiles) {
    for (const key of blockingKeys(profile)) {
      const members = blocks.get(key);
      if (members) {
        members.push(profile.id);
      } else {
        blocks.set(key, [profile.id]);
      }
    }
  }
  const pairs = new Map<string, CandidatePair>();
  for (const [key, members] of blocks) {
    if (members.length < 2 || members.length > maxBlockSize) {
      continue;
    }
    const kind = blockingKind(key);
    for (let i = 0; i < members.length; i += 1) {
      for (let j = i + 1; j < members.length; j += 1) {
        const [a, b] = [members[i]!, members[j]!].sort();
        if (a === b || skip(a!, b!)) {
          continue;
        }
        const id = `${a} ${b}`;
        const pair = pairs.get(id) ?? { a: a!, b: b!, blockingKinds: [] };
        if (!pair.blockingKinds.includes(kind)) {
          pair.blockingKinds.push(kind);
        }
        pairs.set(id, pair);
      }
    }
  }
  return [...pairs.values()];
}

/**
 * The model for this population: EM over the candidates' comparisons, started from the
 * priors, when there are enough candidates; the documented priors otherwise (or when EM ends
 * degenerate).
 */
export function fitModel(
  vectors: readonly ComparisonVector[],
  options: LinkageOptions,
): LinkageModel {
  if (vectors.length < options.minPairsForEm) {
    return PRIOR_MODEL;
  }
  return fitEm(vectors) ?? PRIOR_MODEL;
}

/** Blocks, compares, fits and scores a whole population: what a scan does, without I/O. */
export function linkPopulation(
  profiles: readonly LinkageProfile[],
  options: LinkageOptions = DEFAULT_LINKAGE_OPTIONS,
  skip?: (a: string, b: string) => boolean,
): { model: LinkageModel; pairs: ScoredPair[] } {
  const byId = new Map(profiles.map((p) => [p.id, p]));
  const candidates = candidatePairs(profiles, options.maxBlockSize, skip);
  const vectors = candidates.map((pair) => compareProfiles(byId.get(pair.a)!, byId.get(pair.b)!));
  const model = fitModel(vectors, options);
  return {
    model,
    pairs: candidates.map((pair, index) => ({ ...pair, ...scorePair(model, vectors[index]!) })),
  };
}
