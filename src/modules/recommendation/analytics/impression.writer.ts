import type { Logger } from '../../../logger.js';
import type { Impression, ImpressionStore } from './impression.store.js';
import type { Recommendation, RecommendationRequest } from '../recommendation.service.js';

/** How long a first impression waits for others to share its INSERT (group commit). */
const GROUP_MS = 5;
/** Most rows one INSERT carries; more wait for the next one, which starts at once. */
const MAX_BATCH = 500;
/** Most rows held while PostgreSQL fails; beyond it the oldest are dropped, and counted. */
const MAX_PENDING = 20_000;
/** Wait before retrying a failed batch. */
const RETRY_MS = 1_000;

/**
 * Writes impressions off the response path: `record()` returns at once, and rows recorded
 * within GROUP_MS share one INSERT. A failed INSERT is logged with its row count and retried
 * (rows are kept up to MAX_PENDING; any dropped beyond it are logged as lost). `stop()` writes
 * what is pending, once, and logs whatever could not be written: nothing is lost silently.
 */
export class ImpressionWriter {
  private pending: Impression[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly store: ImpressionStore,
    private readonly logger: Logger,
  ) {}

  /** Queues one impression (null: nothing to record); never throws, never waits. */
  record(impression: Impression | null): void {
    if (impression === null) {
      return;
    }
    if (this.stopped) {
      this.logger.error({ lost: 1 }, 'recommendation impression after stop; not written');
      return;
    }
    this.pending.push(impression);
    if (this.pending.length > MAX_PENDING) {
      const lost = this.pending.splice(0, this.pending.length - MAX_PENDING).length;
      this.logger.error({ lost }, 'recommendation impressions dropped: PostgreSQL is behind');
    }
    this.schedule(GROUP_MS);
  }

  /** Writes everything pending; resolves when it is written or has failed (and was logged). */
  async flush(): Promise<void> {
    while (this.flushing !== null) {
      await this.flushing;
    }
    if (this.pending.length === 0) {
      return;
    }
    this.flushing = this.writeBatch().finally(() => {
      this.flushing = null;
    });
    await this.flushing;
  }

  /** Stops taking impressions and writes what is pending (the module's stop hook). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    await this.flush();
    while (this.pending.length > 0) {
      const before = this.pending.length;
      await this.flush();
      if (this.pending.length >= before) {
        this.logger.error({ lost: this.pending.length }, 'recommendation impressions not written');
        this.pending = [];
      }
    }
  }

  private schedule(delayMs: number): void {
    if (this.timer === null && !this.stopped) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.flush().then(() => {
          if (this.pending.length > 0) {
            this.schedule(0);
          }
        });
      }, delayMs);
    }
  }

  private async writeBatch(): Promise<void> {
    const batch = this.pending.splice(0, MAX_BATCH);
    try {
      await this.store.insert(batch);
    } catch (error) {
      this.logger.error(
        { err: error, rows: batch.length },
        'recommendation impressions not written; retrying',
      );
      this.pending.unshift(...batch);
      if (!this.stopped) {
        if (this.timer !== null) {
          clearTimeout(this.timer);
        }
        this.timer = null;
        this.schedule(RETRY_MS);
      }
    }
  }
}

/**
 * The impression of one computed answer; null for an empty one, which showed nothing and has
 * no request id to attribute to.
 */
export function impressionOf(
  request: RecommendationRequest,
  answer: readonly Recommendation[],
): Impression | null {
  const first = answer[0];
  return first === undefined
    ? null
    : {
        requestId: first.requestId,
        customerId: request.customerId,
        surface: request.surface,
        variant: first.variant,
        modelVersion: first.modelVersion,
        itemIds: answer.map((r) => r.itemId),
        createdAt: first.computedAt,
      };
}
