import { IdentityVocabulary } from '../identity/identity.normalize.js';
import { defineModule } from '../module.js';
import { SuppressionKeys } from '../privacy/suppression-keys.js';
import type { IngestionDeps } from './ingestion.deps.js';

/**
 * Ingestion from the ecosystem: Segment Spec messages (track, identify, page, screen, group,
 * alias) applied as c360 events and profile writes (segment.service.ts). It adds nothing to
 * the schema; its HTTP edge (src/http/segment-api.ts) reaches it through the wiring's
 * `ingestion`, as the transports reach the access module. See docs/ingestion.md.
 */
export const ingestionModule = defineModule<IngestionDeps>({
  name: 'ingestion',
  resolvers: [],
  create: (platform) => ({
    deps: {
      db: platform.db,
      relay: platform.relay,
      vocabulary: new IdentityVocabulary(platform.settings.customIdentityTypes),
      suppressionKeys: new SuppressionKeys(platform.settings.suppressionPepper),
      afterCommit: platform.afterCommit,
    },
  }),
});
