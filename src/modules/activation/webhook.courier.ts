import type { Postgres } from '../../datasources/postgres.js';
import type { Logger } from '../../logger.js';
import type { Config } from '../../config.js';
import type { NextStep, WebhookBatch, WebhookBatchReader } from './webhook.batch.js';
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

  /** Never throws for a receiver's failure; a PostgreSQL failure propagates (lease expires). */
  async deliver(destination: ClaimedDestination, token: string): Promise<CourierOutcome> {
    let current = destination;
    for (let batches = 0; batches < BATCHES_PER_CLAIM; batches += 1) {
      const step: NextStep = await this.reader.next(current);
      if (step.kind === 'idle') {
        await this.destinations.release(current.id, token);
        return { more: false, retryInMs: null };
      }
      if (step.kind === 'skip') {
        if (!(await this.destinations.advance(current.id, token, step.through, this.leaseMs))) {
          return { more: false, retryInMs: null };
        }
        current = { ...current, cursor: step.through, pending: null, attempts: 0 };
        continue;
      }
      const { batch } = step;
      if (
        step.fresh &&
        !(await this.destinations.beginBatch(current.id, token, batch.deliveryId, batch.through))
      ) {
        return { more: false, retryInMs: null };
      }
      const attempt = current.attempts + 1;
      const result = await this.send(current, batch, attempt);
      const record = toAttempt(current.id, batch, attempt, result);
      if (result.ok) {
        if (!(await this.settle(current, token, batch, record, DeliveryOutcome.DELIVERED))) {
          return { more: false, retryInMs: null };
        }
      } else if (attempt >= this.settings.maxAttempts) {
        if (!(await this.settle(current, token, batch, record, DeliveryOutcome.DEAD_LETTERED))) {
          return { more: false, retryInMs: null };
        }
        this.log.warn(
          { destinationId: current.id, deliveryId: batch.deliveryId, attempts: attempt },
          'webhook batch dead-lettered',
        );
      } else {
        const delayMs = this.backoff(attempt);
        await this.db.withTransaction(async (tx) => {
          await new WebhookLogStore(tx).insertDelivery({
            ...record,
            outcome: DeliveryOutcome.FAILED,
          });
          await new WebhookDestinationStore(tx).retryLater(
            current.id,
            token,
            attempt,
            delayMs,
            result.error ?? 'failed',
          );
        });
        return { more: false, retryInMs: delayMs };
      }
      current = { ...current, cursor: batch.through, pending: null, attempts: 0 };
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

  /**
   * Ends a batch (delivered, or dead-lettered after its last attempt): the attempt is logged,
   * the cursor moves past the batch and, for a dead letter, its body is kept; all in one
   * transaction.
   *
   * @returns false when the lease was lost (the attempt is still logged).
   */
  private settle(
    destination: ClaimedDestination,
    token: string,
    batch: WebhookBatch,
    record: AttemptRecord,
    outcome: DeliveryOutcome,
  ): Promise<boolean> {
    return this.db.withTransaction(async (tx) => {
      const logs = new WebhookLogStore(tx);
      await logs.insertDelivery({ ...record, outcome });
      const held = await new WebhookDestinationStore(tx).advance(
        destination.id,
        token,
        batch.through,
        this.leaseMs,
      );
      if (held && outcome === DeliveryOutcome.DEAD_LETTERED) {
        await logs.insertDeadLetter(record, batch.body);
      }
      return held;
    });
  }

  /** Exponential: base, 2 × base, 4 × base... up to the maximum, ±20 % so retries spread. */
  private backoff(attempt: number): number {
    const { retryBaseMs, retryMaxMs } = this.settings;
    const delay = Math.min(retryBaseMs * 2 ** (attempt - 1), retryMaxMs);
    return Math.round(Math.min(delay * (0.8 + Math.random() * 0.4), retryMaxMs));
  }
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
