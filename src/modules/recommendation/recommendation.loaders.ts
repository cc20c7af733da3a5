import DataLoader from 'dataloader';

import { batchByShape, shapeCacheKey } from '../../lib/batch-by-shape.js';
import type { LoaderTuning } from '../../lib/loader-tuning.js';
import type { NearestCustomers } from './nearest-customers.js';
import type { VectorSpace } from './vector.store.js';

/**
 * A similarity lookup: whose neighbours, how many, and in which vector space. The space is part
 * of the key so that an answer kept by the 360 read model is never served for another model.
 */
export interface SimilarKey extends VectorSpace {
  customerId: string;
  first: number;
}

/** One neighbour of one customer. */
export interface SimilarRow {
  customerId: string;
  similarId: string;
  score: number;
}

const similarShape = (key: SimilarKey) => `${key.first}/${key.dimensions}/${key.model}`;

export type RecommendationLoaders = ReturnType<typeof createRecommendationLoaders>;

declare module '../../context.js' {
  interface Loaders extends RecommendationLoaders {}
}

/**
 * Per-request loaders: similar customers of every customer in a response in one search, which
 * shares its statement with other requests' (NearestCustomers).
 */
export function createRecommendationLoaders(nearest: NearestCustomers, tuning: LoaderTuning) {
  return {
    similarByCustomerId: new DataLoader<SimilarKey, SimilarRow[], string>(
      batchByShape(similarShape, async (ids, key) => {
        const space = { model: key.model, dimensions: key.dimensions };
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
