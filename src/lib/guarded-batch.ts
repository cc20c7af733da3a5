import { type StoreName, storeUnavailable } from '../errors.js';

/**
 * Wraps a DataLoader batch function so a store that cannot answer rejects the batch's loads
 * with the public error naming that store (other failures pass through, to be masked).
 */
export function guardedBatch<K, V>(store: StoreName, batch: (keys: readonly K[]) => Promise<V[]>) {
  return async (keys: readonly K[]): Promise<V[]> => {
    try {
      return await batch(keys);
    } catch (error) {
      throw storeUnavailable(store, error);
    }
  };
}
