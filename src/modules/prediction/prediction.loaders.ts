import DataLoader from 'dataloader';

import { alignToKeys } from '../../lib/align-to-keys.js';
import type { LoaderTuning } from '../../lib/loader-tuning.js';
import type { PredictionStore, StoredPrediction } from './prediction.store.js';

export type PredictionLoaders = ReturnType<typeof createPredictionLoaders>;

declare module '../../context.js' {
  interface Loaders extends PredictionLoaders {}
}

export function createPredictionLoaders(store: PredictionStore, tuning: LoaderTuning) {
  return {
    predictionsByCustomerId: new DataLoader<string, StoredPrediction | null>(
      async (ids) => alignToKeys(ids, await store.scoresOf(ids), (p) => p.customerId),
      { ...tuning, name: 'predictionsByCustomerId' },
    ),
  };
}
