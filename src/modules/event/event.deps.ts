import type { IdentityVocabulary } from '../identity/identity.normalize.js';
import type { Platform } from '../module.js';
import type { SuppressionKeys } from '../privacy/suppression-keys.js';

/** What the event module's resolvers are built with (see event.module.ts). */
export interface EventDeps extends Pick<Platform, 'db' | 'relay'> {
  vocabulary: IdentityVocabulary;
  suppressionKeys: SuppressionKeys;
  batchMaxSize: number;
}
