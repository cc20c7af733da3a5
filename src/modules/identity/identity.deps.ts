import type { PiiMasking } from '../access/pii.masking.js';
import type { IdentityWriteDeps } from './identity.service.js';
import type { IdentityStore } from './identity.store.js';

/** What the identity module's resolvers are built with (see identity.module.ts). */
export interface IdentityDeps extends IdentityWriteDeps {
  identities: IdentityStore;
  /** Decides which lookups reveal personal data (they need READ_PII). */
  masking: PiiMasking;
}
