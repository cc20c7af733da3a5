import DataLoader from 'dataloader';

import { batchByShape } from '../../lib/batch-by-shape.js';
import type { LoaderTuning } from '../../lib/loader-tuning.js';
import type { EventPageQuery, EventStore } from './event.store.js';
import type { Event } from './event.type.js';

export interface EventPageKey extends EventPageQuery {
  customerId: string;
}

/** A page's shape: everything but whose events (first, after, filters). */
const pageShape = ({ customerId: _customerId, ...shape }: EventPageKey) => JSON.stringify(shape);

export type EventLoaders = ReturnType<typeof createEventLoaders>;

declare module '../../context.js' {
  interface Loaders extends EventLoaders {}
}

/**
 * Per-request loaders of the event module. Keys asking for the same page shape share one
 * statement, whatever the number of customers.
 */
export function createEventLoaders(store: EventStore, tuning: LoaderTuning) {
  return {
    eventPageByCustomerId: new DataLoader<EventPageKey, Event[], string>(
      batchByShape(pageShape, (ids, key) => store.listPageByCustomerIds(ids, key)),
      { ...tuning, name: 'eventPageByCustomerId', cacheKeyFn: (key) => JSON.stringify(key) },
    ),
  };
}
