import type { ApiKeyService } from './api-key.service.js';
import type { AuditStore } from './audit.store.js';
import type { PiiMasking } from './pii.masking.js';

/** What the access module's resolvers are built with (see access.module.ts). */
export interface AccessDeps {
  apiKeys: ApiKeyService;
  audit: AuditStore;
  /** This deployment's masking rules (NON_PERSONAL_KEYS). */
  masking: PiiMasking;
}
