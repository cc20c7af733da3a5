import DataLoader from 'dataloader';

import { batchByShape, shapeCacheKey } from '../../lib/batch-by-shape.js';
import type { LoaderTuning } from '../../lib/loader-tuning.js';
import type { NearestCustomers } from './nearest-customers.js';
import type { ServingModels } from './training/serving-models.js';

/** A similarity lookup: whose neighbours, and how many. */
export interface SimilarKey {
  customerId: string;
  first: number;
}

/** One neighbour of one customer. */
export interface SimilarRow {
  customerId: string;
  similarId: string;
  score: number;
}

const similarShape = (key: SimilarKey) => String(key.first);

export type RecommendationLoaders = ReturnType<typeof createRecommendationLoaders>;

declare module '../../context.js' {
  interface Loaders extends RecommendationLoaders {}
}

/**
 * Per-request loaders: similar customers of every customer in a response in one search, which
 * shares its statement with other requests' (NearestCustomers).
 */
export function createRecommendationLoaders(
  nearest: NearestCustomers,
  models: ServingModels,
  tuning: LoaderTuning,
) {
  return {
    similarByCustomerId: new DataLoader<SimilarKey, SimilarRow[], string>(
      batchByShape(similarShape, async (ids, key) => {
        const embedder = models.current().embedder;
        if (embedder === null) {
          return [];
        }
        const space = { model: embedder.model, dimensions: embedder.dimensions };
        const rows = await nearest.find(space, ids, key.first);
        return rows.map((row) => ({
          customerId: row.customerId,
          similarId: row.neighbour.id,
          score: row.neighbour.similarity,
        }));
      }),
      { ...tuning, name: 'similarByCustomerId', cacheKeyFn: shapeCacheKey(similarShape) },
    ),
  };
}
