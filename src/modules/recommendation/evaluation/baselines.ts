import { fitEaseExact, type EaseScorer } from '../model/ease.js';
import { buildInteractionMatrix, type Interaction } from '../model/interactions.js';
import { type ItemItemModel } from '../model/item-item.js';
import { PopularityModel } from '../model/popularity.js';
import { topK } from '../model/top-k.js';
import { ndcgAt } from './metrics.js';
import { validationSplit } from './split.js';

/** A recommender fitted in this process: top `k` item ids for a user, best first. */
export interface OfflineRecommender {
  readonly name: string;
  recommend(userId: string, k: number): string[];
}

/** Each user's training positives as item → weight, the shape the models score. */
export type Histories = ReadonlyMap<string, ReadonlyMap<string, number>>;

/** EASE's λ grid (Steck reports optima from a few hundred to a few thousand on MovieLens). */
export const LAMBDA_GRID = [50, 100, 200, 400, 800, 1600] as const;

const NO_HISTORY: ReadonlyMap<string, number> = new Map();

export function historiesOf(train: readonly Interaction[]): Map<string, Map<string, number>> {
  const histories = new Map<string, Map<string, number>>();
  for (const { userId, itemId, weight } of train) {
    let history = histories.get(userId);
    if (!history) {
      history = new Map();
      histories.set(userId, history);
    }
    history.set(itemId, (history.get(itemId) ?? 0) + weight);
  }
  return histories;
}

/** MostPopular: the same list for everyone, less what each already has. */
export function popularityRecommender(
  popularity: PopularityModel,
  histories: Histories,
): OfflineRecommender {
  return {
    name: 'MostPopular',
    recommend: (userId, k) =>
      popularity.top(k, keySet(histories.get(userId))).map(({ itemId }) => itemId),
  };
}

/**
 * A sparse item-item model, optionally blended with popularity: score + w·count/maxCount over
 * the whole catalogue. Lists shorter than k (a history that reaches few items) are filled with
 * the most popular remaining items, as serving does for cold start.
 */
export function itemItemRecommender(
  name: string,
  model: ItemItemModel,
  popularity: PopularityModel,
  histories: Histories,
  popularityWeight = 0,
): OfflineRecommender {
  const prior = Float64Array.from(
    model.items,
    (item) => (popularityWeight * popularity.count(item)) / popularity.maxCount,
  );
  return {
    name,
    recommend(userId, k) {
      const history = histories.get(userId) ?? NO_HISTORY;
      const exclude = keySet(history);
      if (popularityWeight === 0) {
        const ranked = model.score(history, k, exclude).map(({ itemId }) => itemId);
        return fillFromPopularity(ranked, k, exclude, popularity);
      }
      const scores = model.scoreAll(history);
      scores.forEach((score, j) => (scores[j] = score + prior[j]!));
      const best = topK(scores, k, { accept: (j) => !exclude.has(model.items[j]!) });
      return fillFromPopularity(
        best.map((j) => model.items[j]!),
        k,
        exclude,
        popularity,
      );
    },
  };
}

/** Exact EASE, every modelled item scored densely. */
export function easeRecommender(
  name: string,
  scorer: EaseScorer,
  popularity: PopularityModel,
  histories: Histories,
): OfflineRecommender {
  return {
    name,
    recommend(userId, k) {
      const history = histories.get(userId) ?? NO_HISTORY;
      const exclude = keySet(history);
      const scores = scorer.scoreUser(history);
      const best = topK(scores, k, { accept: (j) => !exclude.has(scorer.items[j]!) });
      return fillFromPopularity(
        best.map((j) => scorer.items[j]!),
        k,
        exclude,
        popularity,
      );
    },
  };
}

export interface LambdaChoice {
  lambda: number;
  /** NDCG@k on the validation split, per λ tried. */
  tried: { lambda: number; ndcg: number }[];
}

/**
 * Chooses EASE's λ by NDCG@k on a validation split of the training data (never the test set),
 * seeded with `seed + 1` so it is not the test split's shuffle again.
 */
export function chooseEaseLambda(
  train: readonly Interaction[],
  options: { seed: number; k: number; grid?: readonly number[]; maxItems?: number },
): LambdaChoice {
  const { seed, k, grid = LAMBDA_GRID } = options;
  const validation = validationSplit(train, seed + 1);
  const matrix = buildInteractionMatrix(validation.train);
  const popularity = PopularityModel.fit(matrix);
  const histories = historiesOf(validation.train);
  const tried = grid.map((lambda) => {
    const scorer = fitEaseExact(matrix, {
      lambda,
      ...(options.maxItems === undefined ? {} : { maxItems: options.maxItems }),
    });
    const recommender = easeRecommender('EASE', scorer, popularity, histories);
    let sum = 0;
    for (const [userId, relevant] of validation.test) {
      sum += ndcgAt(k, recommender.recommend(userId, k), relevant);
    }
    return { lambda, ndcg: sum / Math.max(validation.test.size, 1) };
  });
  const best = tried.reduce((a, b) => (b.ndcg > a.ndcg ? b : a));
  return { lambda: best.lambda, tried };
}

function fillFromPopularity(
  ranked: string[],
  k: number,
  exclude: ReadonlySet<string>,
  popularity: PopularityModel,
): string[] {
  if (ranked.length >= k) {
    return ranked.slice(0, k);
  }
  const taken = new Set([...exclude, ...ranked]);
  return [...ranked, ...popularity.top(k - ranked.length, taken).map(({ itemId }) => itemId)];
}

function keySet(history: ReadonlyMap<string, number> | undefined): ReadonlySet<string> {
  return new Set(history?.keys() ?? []);
}
