/**
 * One customer's raw RFM figures: `recency` is the time since their last purchase (smaller is
 * better), `frequency` their number of purchases, `monetary` their spend (total or mean, as
 * long as it is the same for everyone).
 */
export interface RfmFigures {
  recency: number;
  frequency: number;
  monetary: number;
}

/** Scores 1 (worst fifth) to 5 (best fifth) and the segment those scores fall in. */
export interface RfmScore {
  recency: number;
  frequency: number;
  monetary: number;
  segment: RfmSegment;
}

export type RfmSegment =
  | 'champions'
  | 'loyal'
  | 'potential loyalists'
  | 'new customers'
  | 'promising'
  | 'need attention'
  | 'about to sleep'
  | 'at risk'
  | "can't lose them"
  | 'hibernating'
  | 'lost';

/**
 * Segment by recency score (rows, 1–5) and frequency score (columns, 1–5): the widely used
 * R×F grid (as in the "RFM segmentation" guides of Putler and of the `rfm` R package), with
 * its bottom-left cell split so that R1 F1–2, who neither came back recently nor often, read
 * as lost rather than merely hibernating. Monetary is scored but does not move the segment:
 * in that grid M tracks F closely and would only split cells without changing the action.
 */
const SEGMENTS: readonly (readonly RfmSegment[])[] = [
  // F:   1              2                      3                      4                  5
  ['lost', 'lost', 'at risk', 'at risk', "can't lose them"], // R1
  ['hibernating', 'hibernating', 'at risk', 'at risk', "can't lose them"], // R2
  ['about to sleep', 'about to sleep', 'need attention', 'loyal', 'loyal'], // R3
  ['promising', 'potential loyalists', 'potential loyalists', 'loyal', 'loyal'], // R4
  ['new customers', 'potential loyalists', 'potential loyalists', 'champions', 'champions'], // R5
];

/**
 * Scores each customer 1–5 on recency, frequency and monetary value by quintile within the
 * given population, in input order. A customer's score is 1 + ⌊5·k/n⌋ where k counts the
 * customers strictly worse than them, so ties always share a score (a population where half
 * bought once puts them all in the bottom score, rather than splitting them arbitrarily) and
 * the best value always gets 5 when n ≥ 5.
 */
export function scoreRfm(population: readonly RfmFigures[]): RfmScore[] {
  const recency = quintiles(population.map((c) => -c.recency));
  const frequency = quintiles(population.map((c) => c.frequency));
  const monetary = quintiles(population.map((c) => c.monetary));
  return population.map((_, i) => ({
    recency: recency[i]!,
    frequency: frequency[i]!,
    monetary: monetary[i]!,
    segment: rfmSegment(recency[i]!, frequency[i]!),
  }));
}

/** The segment of a recency and frequency score, each 1–5. Throws a RangeError otherwise. */
export function rfmSegment(recencyScore: number, frequencyScore: number): RfmSegment {
  const segment = SEGMENTS[recencyScore - 1]?.[frequencyScore - 1];
  if (segment === undefined) {
    throw new RangeError(`RFM scores run 1 to 5, got R${recencyScore} F${frequencyScore}`);
  }
  return segment;
}

/** 1 + ⌊5·(number of values strictly below)/n⌋ for each value, higher values scoring higher. */
function quintiles(values: readonly number[]): number[] {
  const sorted = [...values].sort((left, right) => left - right);
  return values.map((value) => 1 + Math.floor((5 * countBelow(sorted, value)) / values.length));
}

function countBelow(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < value) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}
