import DataLoader from 'dataloader';

import type { Postgres } from '../../datasources/postgres.js';
import { batchByShape, shapeCacheKey } from '../../lib/batch-by-shape.js';
import type { LoaderTuning } from '../../lib/loader-tuning.js';
import type { ServingModels } from './training/serving-models.js';
import { VectorStore } from './vector.store.js';

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

/** Per-request loaders: similar customers of every customer in a response, in one statement. */
export function createRecommendationLoaders(
  db: Postgres,
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
        const rows = await new VectorStore(db).nearestCustomers(space, ids, key.first);
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
