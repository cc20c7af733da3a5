import { INTERACTION_WEIGHTS } from '../interaction/interaction.kinds.js';
import type { HistoryEntry } from './history.store.js';

/** Event types that are no interaction (page, identify, ...) weigh nothing. */
const WEIGHTS: Readonly<Record<string, number>> = INTERACTION_WEIGHTS;

/** How much the profile's interest keywords count, against one purchase (weight 5). */
const INTEREST_WEIGHT = 5;

/**
 * Each item's weight in a customer's preference: Σ over event types of the type's weight
 * (purchase 5, cart_add 3, wishlist_add 2, recommendation_click 1.5, view 1,
 * recommendation_view 0.5, cart_remove −1) times Σ exp(−days/30) over those events.
 */
export function preferenceWeights(history: readonly HistoryEntry[]): Map<string, number> {
  const weights = new Map<string, number>();
  for (const entry of history) {
    const weight = (WEIGHTS[entry.type] ?? 0) * entry.decayed;
    weights.set(entry.itemId, (weights.get(entry.itemId) ?? 0) + weight);
  }
  return weights;
}

/**
 * The items a customer is positive about, regardless of age (the collaborative model was
 * fitted on the same undecayed, binary signal): net weight above zero.
 */
export function positiveItems(history: readonly HistoryEntry[]): Map<string, number> {
  const net = new Map<string, number>();
  for (const entry of history) {
    const weight = (WEIGHTS[entry.type] ?? 0) * entry.count;
    net.set(entry.itemId, (net.get(entry.itemId) ?? 0) + weight);
  }
  return new Map([...net].filter(([, weight]) => weight > 0).map(([id]) => [id, 1]));
}

/**
 * The customer's preference vector: the weighted mean of the vectors of the items they
 * interacted with, plus the vector of their interest keywords, to unit length. Null when
 * nothing points anywhere (no history with vectors, no interests, or it cancels out).
 */
export function preferenceVector(
  weights: ReadonlyMap<string, number>,
  itemVectors: ReadonlyMap<string, Float32Array>,
  interests: Float32Array | null,
): Float32Array | null {
  let sum: Float32Array | null = null;
  let total = 0;
  const add = (vector: Float32Array, weight: number) => {
    sum ??= new Float32Array(vector.length);
    for (let i = 0; i < vector.length; i++) {
      sum[i]! += weight * vector[i]!;
    }
    total += Math.abs(weight);
  };
  for (const [itemId, weight] of weights) {
    const vector = itemVectors.get(itemId);
    if (vector !== undefined && weight !== 0) {
      add(vector, weight);
    }
  }
  if (interests !== null && interests.some((v) => v !== 0)) {
    add(interests, INTEREST_WEIGHT);
  }
  return sum === null || total === 0 ? null : unit(sum);
}

/** The vector scaled to length 1; null for the zero vector. */
export function unit(vector: Float32Array): Float32Array | null {
  let norm = 0;
  for (const value of vector) {
    norm += value * value;
  }
  if (norm === 0 || !Number.isFinite(norm)) {
    return null;
  }
  const scale = 1 / Math.sqrt(norm);
  return vector.map((value) => value * scale);
}
