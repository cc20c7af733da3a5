import type { Logger } from '../logger.js';

/** Called with the customers a committed write changed. */
export type CommitListener = (customerIds: readonly string[]) => Promise<void>;

/**
 * What a write tells this instance right after its commit, before its caller hears back: the
 * few things that must not wait for the outbox relay, so that the caller's next read sees its
 * write. Today that is a cache of answers derived from customers' events (recommendations);
 * everything that is recomputed from a write still follows the outbox, on every instance.
 *
 * A listener that fails is logged, not thrown: the write has committed, and the relay's
 * followers do the same work moments later.
 */
export class AfterCommit {
  private readonly eventListeners: CommitListener[] = [];

  constructor(private readonly logger: Logger) {}

  /** Listens to commits that stored events. */
  onEventsStored(listener: CommitListener): void {
    this.eventListeners.push(listener);
  }

  /** Said by a write that stored events of these customers, once it has committed. */
  async eventsStored(customerIds: readonly string[]): Promise<void> {
    const unique = [...new Set(customerIds)];
    if (unique.length === 0) {
      return;
    }
    await Promise.all(
      this.eventListeners.map(async (listener) => {
        try {
          await listener(unique);
        } catch (error) {
          this.logger.warn(
            { err: error instanceof Error ? error.message : String(error) },
            'after-commit work failed; the relay will do it',
          );
        }
      }),
    );
  }
}
