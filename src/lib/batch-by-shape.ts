import { groupToKeys } from './align-to-keys.js';

/** A per-customer loader key: whose rows, plus the arguments that shape them (page size...). */
export interface CustomerKey {
  customerId: string;
}

/**
 * The batch function of a DataLoader whose keys carry arguments besides the customer id
 * (`first`, filters, walk depth): keys are grouped by shape, each shape costs one `load` for all
 * its customers, and the rows are handed back per key. A page of 50 customers asking the same
 * field is one round trip, whatever the number of customers.
 *
 * @param shapeOf names a key's arguments; keys with the same name share one `load`.
 * @param load gets the distinct customer ids of one shape and a key of that shape.
 */
export function batchByShape<K extends CustomerKey, R extends CustomerKey>(
  shapeOf: (key: K) => string,
  load: (customerIds: string[], shape: K) => Promise<R[]>,
): (keys: readonly K[]) => Promise<R[][]> {
  return async (keys) => {
    const shapes = new Map<string, K[]>();
    for (const key of keys) {
      const shape = shapeOf(key);
      shapes.set(shape, [...(shapes.get(shape) ?? []), key]);
    }
    const results = new Map<string, R[]>();
    for (const [shape, group] of shapes) {
      const ids = [...new Set(group.map((key) => key.customerId))];
      const rows = await load(ids, group[0]!);
      groupToKeys(ids, rows, (row) => row.customerId).forEach((found, i) =>
        results.set(`${ids[i]}|${shape}`, found),
      );
    }
    return keys.map((key) => results.get(`${key.customerId}|${shapeOf(key)}`) ?? []);
  };
}

/** The cache key that goes with {@link batchByShape}: one entry per customer and shape. */
export function shapeCacheKey<K extends CustomerKey>(
  shapeOf: (key: K) => string,
): (key: K) => string {
  return (key) => `${key.customerId}|${shapeOf(key)}`;
}
