import type { IdentityVocabulary } from '../identity/identity.normalize.js';
import type { WriteDeps } from '../module.js';
import type { AfterCommit } from '../../outbox/after-commit.js';
import type { SuppressionKeys } from '../privacy/suppression-keys.js';

/** What the event module's resolvers are built with (see event.module.ts). */
export interface EventDeps extends WriteDeps {
  vocabulary: IdentityVocabulary;
  suppressionKeys: SuppressionKeys;
  batchMaxSize: number;
  /** Told of the customers whose events a call stored, once it committed. */
  afterCommit: Pick<AfterCommit, 'eventsStored'>;
}
