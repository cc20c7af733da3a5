import type { AfterCommit } from '../../outbox/after-commit.js';
import type { IdentityWriteDeps } from '../identity/identity.service.js';

/**
 * What ingestion is built with: it writes events and profiles as the identity and event
 * modules do, so it needs what their writes need and nothing more.
 */
export type IngestionDeps = IdentityWriteDeps & {
  /** Told of the customers whose events a call stored, once it committed. */
  afterCommit: Pick<AfterCommit, 'eventsStored'>;
};
