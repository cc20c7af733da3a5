import type { ConsentStore } from './consent.store.js';

/** What the consent module's resolvers are built with (see consent.module.ts). */
export interface ConsentDeps {
  consents: ConsentStore;
}
