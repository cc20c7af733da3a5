import type { Postgres } from '../../datasources/postgres.js';
import type { Logger } from '../../logger.js';
import type { Config } from '../../config.js';
import { compareCursors } from '../../changefeed/change-feed.store.js';
import type { WebhookBatch, WebhookBatchReader } from './webhook.batch.js';
import { type ClaimedDestination, WebhookDestinationStore } from './webhook-destination.store.js';
import { type AttemptRecord, WebhookLogStore } from './webhook-log.store.js';
import { postJson, type SendResult } from './webhook.http.js';
import { DeliveryOutcome } from './webhook.kinds.js';
import {
  ATTEMPT_HEADER,
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  signWebhook,
} from './webhook.signature.js';

/**
 * Batches one claim may deliver before the destination is released and claimed again, so a
 * destination with a long backlog does not hold an instance's attention from the others.
 */
const BATCHES_PER_CLAIM = 20;

/** What became of a claimed destination. */
export interface CourierOutcome {
  /** It may have more to deliver now (claim it again at once). */
  more: boolean;
  /** A retry was scheduled this many milliseconds from now. */
  retryInMs: number | null;
}

/** What one batch's attempt leads to: the next batch, a retry later, or letting go. */
type BatchOutcome = 'next' | 'lost' | { retryInMs: number };

const LET_GO: CourierOutcome = { more: false, retryInMs: null };

/**
 * Delivers the batches of one claimed destination, in cursor order, and records each attempt.
 * Every state change checks the claim token, so an instance whose lease ran out (a stalled
 * process) can neither move the cursor nor schedule a retry over the new holder.
 */
export class WebhookCourier {
  private readonly destinations: WebhookDestinationStore;

  constructor(
    private readonly db: Postgres,
    private readonly reader: WebhookBatchReader,
    private readonly settings: Config['webhooks'],
    private readonly log: Logger,
  ) {
    this.destinations = new WebhookDestinationStore(db);
  }

  /** How long a claim lasts; renewed after each batch. */
  get leaseMs(): number {
    return this.settings.timeoutMs * 2 + 10_000;
  }

  /**
   * Sends batches until the destination is caught up, a batch fails (a retry is scheduled),
   * {@link BATCHES_PER_CLAIM} were sent, or `stopping()` says the gateway is shutting down.
   * Never throws for a receiver's failure; a PostgreSQL failure propagates, and the lease then
   * runs out so another pass takes the destination up again.
   */
  async deliver(
    destination: ClaimedDestination,
    token: string,
    stopping: () => boolean,
  ): Promise<CourierOutcome> {
    await this.warnIfPruned(destination);
    let current = destination;
    for (let batches = 0; batches < BATCHES_PER_CLAIM && !stopping(); batches += 1) {
      const step = await this.reader.next(current);
      if (step.kind === 'idle') {
        await this.destinations.release(current.id, token);
        return LET_GO;
      }
      const outcome =
        step.kind === 'skip'
          ? await this.skip(current, token, step.through)
          : await this.attempt(current, token, step.batch);
      if (outcome === 'lost') {
        return LET_GO;
      }
      if (outcome !== 'next') {
        return { more: false, retryInMs: outcome.retryInMs };
      }
      const through = step.kind === 'skip' ? step.through : step.batch.through;
      current = { ...current, cursor: through, pending: null, attempts: 0 };
    }
    await this.destinations.release(current.id, token);
    return { more: true, retryInMs: null };
  }

  /** Signs and sends a batch (also used to redeliver a dead letter). */
  send(
    destination: { url: string; secret: string },
    batch: Pick<WebhookBatch, 'deliveryId' | 'body'>,
    attempt: number,
  ): Promise<SendResult> {
    const timestamp = Math.floor(Date.now() / 1000);
    return postJson(
      destination.url,
      batch.body,
      {
        [SIGNATURE_HEADER]: signWebhook(destination.secret, timestamp, batch.body),
        [DELIVERY_HEADER]: batch.deliveryId,
        [ATTEMPT_HEADER]: String(attempt),
      },
      this.settings,
    );
  }

  /** Steps over entries the destination does not want. */
  private async skip(
    destination: ClaimedDestination,
    token: string,
    through: string,
  ): Promise<BatchOutcome> {
    const held = await this.destinations.advance(destination.id, token, through, this.leaseMs);
    return held ? 'next' : 'lost';
  }

  /** One attempt at a batch, and what follows from its answer. */
  private async attempt(
    destination: ClaimedDestination,
    token: string,
    batch: WebhookBatch,
  ): Promise<BatchOutcome> {
    const { id } = destination;
    // Fixes the batch (a retry writes what is there) and checks the lease right before
    // sending: a stalled instance may have lost the destination to another meanwhile.
    if (!(await this.destinations.beginAttempt(id, token, batch, this.leaseMs))) {
      return 'lost';
    }
    const attempt = destination.attempts + 1;
    const result = await this.send(destination, batch, attempt);
    const record = toAttempt(id, batch, attempt, result);
    if (result.ok) {
      return (await this.settle(token, batch, record, DeliveryOutcome.DELIVERED)) ? 'next' : 'lost';
    }
    if (attempt >= this.settings.maxAttempts) {
      const held = await this.settle(token, batch, record, DeliveryOutcome.DEAD_LETTERED);
      if (held) {
        this.log.warn(
          { destinationId: id, deliveryId: batch.deliveryId, attempts: attempt },
          'webhook batch dead-lettered',
        );
      }
      return held ? 'next' : 'lost';
    }
    const retryInMs = this.backoff(attempt);
    const held = await this.db.withTransaction(async (tx) => {
      const error = result.error ?? 'failed';
      if (
        !(await new WebhookDestinationStore(tx).retryLater(id, token, attempt, retryInMs, error))
      ) {
        return false;
      }
      await new WebhookLogStore(tx).insertDelivery(record);
      return true;
    });
    return held ? { retryInMs } : 'lost';
  }

  /**
   * Ends a batch (delivered, or dead-lettered after its last attempt): the cursor moves past
   * it, the attempt is logged and, for a dead letter, its body kept; all in one transaction.
   * Nothing is written when the lease was lost (or the destination deleted) meanwhile: the
   * holder now owns the batch and its log.
   *
   * @returns false when the lease was lost.
   */
  private settle(
    token: string,
    batch: WebhookBatch,
    record: AttemptRecord,
    outcome: DeliveryOutcome,
  ): Promise<boolean> {
    return this.db.withTransaction(async (tx) => {
      const destinations = new WebhookDestinationStore(tx);
      if (!(await destinations.advance(record.destinationId, token, batch.through, this.leaseMs))) {
        return false;
      }
      const logs = new WebhookLogStore(tx);
      await logs.insertDelivery({ ...record, outcome });
      if (outcome === DeliveryOutcome.DEAD_LETTERED) {
        await logs.insertDeadLetter(record, batch.body);
      }
      return true;
    });
  }

  /**
   * A destination paused (or failing) for longer than the feed's retention has lost the
   * changes pruned meanwhile: said loudly, since nothing else would show it.
   */
  private async warnIfPruned(destination: ClaimedDestination): Promise<void> {
    const prunedThrough = await this.reader.prunedThrough();
    if (compareCursors(destination.cursor, prunedThrough) < 0) {
      this.log.error(
        { destinationId: destination.id, cursor: destination.cursor, prunedThrough },
        'webhook destination fell behind the change feed retention; changes were lost',
      );
    }
  }

  private backoff(attempt: number): number {
    return retryDelay(attempt, this.settings.retryBaseMs, this.settings.retryMaxMs);
  }
}

/**
 * How long to wait after failed attempt `attempt` (1, 2, ...): exponential, base, 2 × base,
 * 4 × base... up to the maximum, ±20 % (`random` in [0, 1)) so destinations failing together
 * do not retry together; never above the maximum.
 */
export function retryDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random = Math.random(),
): number {
  const delay = Math.min(baseMs * 2 ** (attempt - 1), maxMs);
  return Math.round(Math.min(delay * (0.8 + random * 0.4), maxMs));
}

function toAttempt(
  destinationId: string,
  batch: WebhookBatch,
  attempt: number,
  result: SendResult,
): AttemptRecord {
  return {
    destinationId,
    deliveryId: batch.deliveryId,
    firstCursor: batch.firstCursor,
    lastCursor: batch.lastCursor,
    changeCount: batch.changeCount,
    attempt,
    outcome: result.ok ? DeliveryOutcome.DELIVERED : DeliveryOutcome.FAILED,
    httpStatus: result.status,
    error: result.error,
    durationMs: result.durationMs,
  };
}
