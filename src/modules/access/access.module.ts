import { defineModule } from '../module.js';
import type { AccessDeps } from './access.deps.js';
import { AccessResolver } from './access.resolver.js';
import { createApiKeyService } from './api-key.service.js';
import { GroupCommittedAuditStore } from './audit.store.js';
import { PiiMasking } from './pii.masking.js';
import { registerKeysCommand } from './keys.command.js';

/**
 * API keys, scopes and the audit log. The transports authenticate with its `apiKeys` and
 * audit unmasked reads with its `audit` store; the scope checks and masking themselves are
 * applied to the whole built schema (access.policy.ts).
 */
export const accessModule = defineModule<AccessDeps>({
  name: 'access',
  resolvers: [AccessResolver],
  commands: [registerKeysCommand],
  create: (platform) => ({
    deps: {
      apiKeys: createApiKeyService(
        platform.db,
        platform.redis,
        platform.settings.keyCacheTtlMs,
        platform.logger,
      ),
      audit: new GroupCommittedAuditStore(platform.db),
      masking: new PiiMasking(platform.settings.nonPersonalKeys),
    },
  }),
});
