import DataLoader from 'dataloader';

import type { LoaderTuning } from '../../lib/loader-tuning.js';

import type { EventPageQuery, EventStore } from './event.store.js';
import type { Event } from './event.type.js';

export interface EventPageKey extends EventPageQuery {
  customerId: string;
}

export type EventLoaders = ReturnType<typeof createEventLoaders>;

/**
 * Per-request loaders of the event module. Keys asking for the same page shape (first, after,
 * filters) share one statement, whatever the number of customers.
 */
export function createEventLoaders(store: EventStore, tuning: LoaderTuning) {
  return {
    eventPageByCustomerId: new DataLoader<EventPageKey, Event[], string>(
      (keys) => loadPages(store, keys),
      { ...tuning, name: 'eventPageByCustomerId', cacheKeyFn: (key) => JSON.stringify(key) },
    ),
  };
}

async function loadPages(store: EventStore, keys: readonly EventPageKey[]): Promise<Event[][]> {
  const byShape = new Map<string, EventPageKey[]>();
  for (const key of keys) {
    const { customerId: _customerId, ...shape } = key;
    const id = JSON.stringify(shape);
    byShape.set(id, [...(byShape.get(id) ?? []), key]);
  }
  const pages = new Map<string, Event[]>();
  for (const group of byShape.values()) {
    const ids = group.map((key) => key.customerId);
    const rows = await store.listPageByCustomerIds(ids, group[0]!);
    for (const key of group) {
      pages.set(
        JSON.stringify(key),
        rows.filter((row) => row.customerId === key.customerId),
      );
    }
  }
  return keys.map((key) => pages.get(JSON.stringify(key)) ?? []);
}
