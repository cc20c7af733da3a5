import { type Interaction } from '../model/interactions.js';
import { mulberry32 } from '../../../lib/seeded-random.js';

/** A rating at or above this counts as a positive (MovieLens' 4 stars of 5). */
export const POSITIVE_RATING = 4;
/** Users with fewer positives are left out: an 80/20 split of them says little. */
export const MIN_POSITIVES = 5;
export const TEST_FRACTION = 0.2;

/** One rating as read from a file; `rating` is null for implicit feedback (every row a positive). */
export interface Rating {
  userId: string;
  itemId: string;
  rating: number | null;
}

export interface Split {
  /** Training positives, weight 1. */
  train: Interaction[];
  /** Held-out positives per user; every user in it has at least one. */
  test: Map<string, Set<string>>;
}

/**
 * The ML-LS protocol: positives are ratings ≥ 4 (or every row without a rating); users with
 * at least five positives are kept; each one's positives are shuffled with a seeded PRNG and
 * 20 % (at least one) held out. Users and items are visited in sorted order, so the split does
 * not depend on the order of the file.
 */
export function splitPositives(ratings: readonly Rating[], seed: number): Split {
  return splitByUser(positivesByUser(ratings), seed, MIN_POSITIVES);
}

/**
 * How users and items are put in order before a split is drawn: by a key of each (their ids
 * unless told). The draw depends on that order, so a key that stays the same from one load of
 * the same data to the next (a SKU, a dataset's own ids) gives the same split each time, where
 * ids a database generated would not.
 */
export interface SplitOrder {
  user(userId: string): string;
  item(itemId: string): string;
}

export const BY_ID: SplitOrder = { user: (id) => id, item: (id) => id };

/**
 * Splits training positives again, by the same method, to choose hyper-parameters (EASE's λ)
 * without looking at the test set. Every user with two positives or more keeps one in each part.
 */
export function validationSplit(
  train: readonly Interaction[],
  seed: number,
  order: SplitOrder = BY_ID,
): Split {
  const byUser = new Map<string, Set<string>>();
  for (const { userId, itemId } of train) {
    let items = byUser.get(userId);
    if (!items) {
      items = new Set();
      byUser.set(userId, items);
    }
    items.add(itemId);
  }
  return splitByUser(byUser, seed, 2, order);
}

/** Positives per user, duplicates collapsed. */
export function positivesByUser(ratings: readonly Rating[]): Map<string, Set<string>> {
  const byUser = new Map<string, Set<string>>();
  for (const { userId, itemId, rating } of ratings) {
    if (rating !== null && rating < POSITIVE_RATING) {
      continue;
    }
    let items = byUser.get(userId);
    if (!items) {
      items = new Set();
      byUser.set(userId, items);
    }
    items.add(itemId);
  }
  return byUser;
}

function splitByUser(
  byUser: ReadonlyMap<string, ReadonlySet<string>>,
  seed: number,
  minimum: number,
  order: SplitOrder = BY_ID,
): Split {
  const random = mulberry32(seed);
  const train: Interaction[] = [];
  const test = new Map<string, Set<string>>();
  for (const userId of sortedBy([...byUser.keys()], [(id) => id, order.user])) {
    const items = sortedBy([...byUser.get(userId)!], [(id) => id, order.item]);
    if (items.length < minimum) {
      continue;
    }
    shuffle(items, random);
    const held = Math.max(1, Math.round(items.length * TEST_FRACTION));
    test.set(userId, new Set(items.slice(0, held)));
    for (const itemId of items.slice(held)) {
      train.push({ userId, itemId, weight: 1 });
    }
  }
  return { train, test };
}

/**
 * Sorts `values` in place by the key of an id of each, then of the next id on ties (see
 * {@link compareIds}). Each distinct id's key is computed once: a shop's million positives
 * name only as many customers and items as it has.
 */
export function sortedBy<T>(
  values: T[],
  ...keys: [idOf: (value: T) => string, keyOf: (id: string) => string][]
): T[] {
  const keyed = keys.map(([idOf, keyOf]) => {
    const known = new Map<string, string>();
    return (value: T) => {
      const id = idOf(value);
      let key = known.get(id);
      if (key === undefined) {
        key = keyOf(id);
        known.set(id, key);
      }
      return key;
    };
  });
  return values.sort((a, b) => {
    for (const key of keyed) {
      const order = compareIds(key(a), key(b));
      if (order !== 0) {
        return order;
      }
    }
    return 0;
  });
}

/** Numeric ids in numeric order ("2" before "10"), anything else by code point. */
function compareIds(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  return Number.isFinite(x) && Number.isFinite(y) && x !== y ? x - y : a < b ? -1 : a > b ? 1 : 0;
}

/** Fisher–Yates, in place. */
function shuffle<T>(values: T[], random: () => number): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
}

export { mulberry32 };
