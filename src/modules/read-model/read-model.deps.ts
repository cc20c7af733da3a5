import type { Customer360Store } from './customer-360.store.js';

/** What the read model's resolvers use. */
export interface ReadModelDeps {
  store: Customer360Store;
  enabled: boolean;
}
