import { ErrorCode, GatewayError } from '../../errors.js';
import { assertUuid, MAX_PAGE_SIZE } from '../../lib/ids.js';
import type { Postgres } from '../../datasources/postgres.js';
import type { SegmentLookupStore } from './segment-lookup.store.js';
import { assertWebhookUrl } from './webhook.address.js';
import type { WebhookCourier } from './webhook.courier.js';
import type { DestinationPatch, WebhookDestinationStore } from './webhook-destination.store.js';
import { WebhookLogStore } from './webhook-log.store.js';
import {
  ALL_WEBHOOK_CHANGES,
  DeliveryOutcome,
  type WebhookChange,
  type WebhookDeadLetterRecord,
  type WebhookDeliveryRecord,
  type WebhookDestinationRecord,
} from './webhook.kinds.js';
import { generateWebhookSecret } from './webhook.signature.js';

/** What a destination is given as, before checking. */
export interface DestinationInput {
  name?: string | null | undefined;
  url?: string | null | undefined;
  /** `null`: every segment; `undefined` (updates): unchanged. */
  segmentIds?: readonly string[] | null | undefined;
  changes?: readonly WebhookChange[] | null | undefined;
  active?: boolean | null | undefined;
}

/** A destination with its signing secret, returned only on creation and rotation. */
export interface DestinationWithSecret {
  destination: WebhookDestinationRecord;
  secret: string;
}

export interface RedeliveryOutcome {
  delivered: boolean;
  delivery: WebhookDeliveryRecord;
  deadLetter: WebhookDeadLetterRecord;
}

const MAX_NAME_LENGTH = 100;

/**
 * Webhook destinations as the API manages them. Every input is checked before anything is
 * stored; a mistake is BAD_USER_INPUT naming the argument, an unknown id NOT_FOUND.
 */
export class WebhookService {
  constructor(
    private readonly deps: {
      db: Postgres;
      destinations: WebhookDestinationStore;
      logs: WebhookLogStore;
      segments: SegmentLookupStore;
      courier: WebhookCourier;
      allowPrivateNetworks: boolean;
      /** Rings the dispatcher after a change that may make a destination due at once. */
      wake(): void;
    },
  ) {}

  list(): Promise<WebhookDestinationRecord[]> {
    return this.deps.destinations.list();
  }

  /** null for an unknown id (a nullable field, not an error). */
  findById(id: string): Promise<WebhookDestinationRecord | null> {
    return this.deps.destinations.findById(assertUuid(id, 'id'));
  }

  async create(input: DestinationInput): Promise<DestinationWithSecret> {
    const secret = generateWebhookSecret();
    const destination = await this.deps.destinations.insert({
      name: this.name(input.name),
      url: assertWebhookUrl(input.url ?? '', this.deps.allowPrivateNetworks),
      secret,
      segmentIds: await this.segmentIds(input.segmentIds ?? null),
      changes: changesOf(input.changes ?? ALL_WEBHOOK_CHANGES),
    });
    return { destination, secret };
  }

  async update(id: string, input: DestinationInput): Promise<WebhookDestinationRecord> {
    const patch: DestinationPatch = {
      name: input.name == null ? undefined : this.name(input.name),
      url:
        input.url == null ? undefined : assertWebhookUrl(input.url, this.deps.allowPrivateNetworks),
      segmentIds:
        input.segmentIds === undefined ? undefined : await this.segmentIds(input.segmentIds),
      changes: input.changes == null ? undefined : changesOf(input.changes),
      active: input.active ?? undefined,
    };
    const updated = await this.deps.destinations.update(assertUuid(id, 'id'), patch);
    this.deps.wake();
    return updated ?? notFound('webhook destination', id);
  }

  async delete(id: string): Promise<WebhookDestinationRecord> {
    return (
      (await this.deps.destinations.delete(assertUuid(id, 'id'))) ??
      notFound('webhook destination', id)
    );
  }

  /** A new secret, effective for the next request; the old one stops signing at once. */
  async rotateSecret(id: string): Promise<DestinationWithSecret> {
    const secret = generateWebhookSecret();
    const destination = await this.deps.destinations.rotateSecret(assertUuid(id, 'id'), secret);
    return destination ? { destination, secret } : notFound('webhook destination', id);
  }

  /**
   * Sends a dead letter's body again now, signed with the destination's current secret and
   * under its original delivery id, and records the attempt in the delivery log. The
   * destination's own cursor is not touched: later changes have already moved on.
   */
  async redeliver(deadLetterId: string): Promise<RedeliveryOutcome> {
    const letter = /^\d{1,18}$/.test(deadLetterId)
      ? await this.deps.logs.findDeadLetter(deadLetterId)
      : null;
    const destination = letter ? await this.deps.destinations.findById(letter.destinationId) : null;
    const secret = destination ? await this.deps.destinations.findSecret(destination.id) : null;
    if (!letter || !destination || secret === null) {
      return notFound('dead letter', deadLetterId);
    }
    const attempt = letter.attempts + 1;
    const result = await this.deps.courier.send(
      { url: destination.url, secret },
      { deliveryId: letter.deliveryId, body: letter.body },
      attempt,
    );
    return this.deps.db.withTransaction(async (tx) => {
      const logs = new WebhookLogStore(tx);
      const delivery = await logs.insertDelivery({
        destinationId: destination.id,
        deliveryId: letter.deliveryId,
        firstCursor: letter.firstCursor,
        lastCursor: letter.lastCursor,
        changeCount: letter.changeCount,
        attempt,
        outcome: result.ok ? DeliveryOutcome.DELIVERED : DeliveryOutcome.FAILED,
        httpStatus: result.status,
        error: result.error,
        durationMs: result.durationMs,
      });
      const deadLetter = await logs.recordRedelivery(letter.id, result.ok, result.error);
      return { delivered: result.ok, delivery, deadLetter };
    });
  }

  private name(value: string | null | undefined): string {
    const name = (value ?? '').trim();
    if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
      throw badInput('input.name', `input.name must be 1 to ${MAX_NAME_LENGTH} characters`);
    }
    return name;
  }

  /** Distinct, existing segment ids; null (every segment) passes through. */
  private async segmentIds(ids: readonly string[] | null): Promise<string[] | null> {
    if (ids === null) {
      return null;
    }
    if (ids.length === 0 || ids.length > MAX_PAGE_SIZE) {
      throw badInput(
        'input.segmentIds',
        `input.segmentIds must hold 1 to ${MAX_PAGE_SIZE} ids; null means every segment`,
      );
    }
    const unique = [...new Set(ids.map((id) => assertUuid(id, 'input.segmentIds')))];
    const known = await this.deps.segments.labelsByIds(unique);
    const unknown = unique.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new GatewayError(
        ErrorCode.BAD_USER_INPUT,
        `input.segmentIds names segments that do not exist: ${unknown.join(', ')}`,
        { extensions: { argument: 'input.segmentIds', unknownSegmentIds: unknown } },
      );
    }
    return unique;
  }
}

function changesOf(changes: readonly WebhookChange[]): WebhookChange[] {
  if (changes.length === 0) {
    throw badInput('input.changes', 'input.changes must name at least one change');
  }
  return ALL_WEBHOOK_CHANGES.filter((change) => changes.includes(change));
}

function badInput(argument: string, message: string): GatewayError {
  return new GatewayError(ErrorCode.BAD_USER_INPUT, message, { extensions: { argument } });
}

function notFound(what: string, id: string): never {
  throw new GatewayError(ErrorCode.NOT_FOUND, `no ${what} has the id ${id.slice(0, 64)}`, {
    extensions: { id: id.slice(0, 64) },
  });
}
