import type { Postgres, Queryable } from '../../datasources/postgres.js';
import { ErrorCode } from '../../errors.js';
import { inSavepoint } from '../../lib/savepoint.js';
import { validationFailure } from '../../lib/validation.js';
import type { Logger } from '../../logger.js';
import type { IdentityVocabulary } from '../identity/identity.normalize.js';
import { type IdentityKey, IdentityStore } from '../identity/identity.store.js';
import type { TrackEventInput } from './event.inputs.js';
import { OutboxStore } from '../../outbox/outbox.store.js';
import type { SuppressionKeys } from '../privacy/suppression-keys.js';
import { SuppressionStore } from '../privacy/suppression.store.js';
import { ConsentPurpose } from '../consent/consent.kinds.js';
import { ConsentStore } from '../consent/consent.store.js';
import { CustomerUpserted } from '../customer/customer.topics.js';
import { EventStore, type NewEvent } from './event.store.js';
import { EventsAccepted } from './event.topics.js';
import { InteractionStore } from '../interaction/interaction.store.js';
import { itemFailure, ItemStatus } from '../../graphql/bulk.kinds.js';
import type { TrackResult } from './event.type.js';

/** An item that passed validation, ready to be written. */
interface PreparedEvent {
  index: number;
  identity: IdentityKey;
  event: Omit<NewEvent, 'customerId'>;
}

/**
 * Stores events idempotently, each attributed to the customer holding its identity (created
 * when the identity is new), and says per event what happened.
 *
 * All events of one call share one transaction, each inside its own savepoint: an event that
 * fails is rolled back alone and reported REJECTED, and no event is ever half-written. Invalid
 * events are rejected before anything is written. Identity locks are taken up front in one
 * sorted order, so concurrent calls never create two customers for one identity or deadlock.
 *
 * @throws GatewayError POSTGRES_UNAVAILABLE when PostgreSQL itself cannot answer.
 */
export async function trackEvents(
  deps: { db: Postgres; vocabulary: IdentityVocabulary; suppressionKeys: SuppressionKeys },
  inputs: readonly TrackEventInput[],
  logger: Logger,
): Promise<TrackResult[]> {
  const { db, vocabulary } = deps;
  const results: TrackResult[] = inputs.map((input, index) => ({
    index,
    messageId: input.messageId,
    status: ItemStatus.REJECTED,
    customerId: null,
    error: null,
  }));
  const prepared: PreparedEvent[] = [];
  inputs.forEach((input, index) => {
    const outcome = prepare(input, index, vocabulary);
    if ('reason' in outcome) {
      results[index]!.error = { code: ErrorCode.BAD_USER_INPUT, message: outcome.reason };
    } else {
      prepared.push(outcome);
    }
  });
  if (prepared.length === 0) {
    return results;
  }

  await db.withTransaction(async (tx) => {
    await new IdentityStore(tx).lockForResolution(prepared.map((p) => p.identity));
    for (const item of prepared) {
      try {
        Object.assign(
          results[item.index]!,
          await inSavepoint(tx, () => writeOne(tx, item, deps.suppressionKeys)),
        );
      } catch (error) {
        results[item.index]!.error = itemFailure(error, 'event', logger, item.index);
      }
    }
    // Followers (interactions, and later segments and vectors) learn of new events from the
    // outbox; duplicates are not announced again.
    const accepted = prepared.filter((p) => results[p.index]!.status === ItemStatus.CREATED);
    if (accepted.length > 0) {
      // The catalogue item each event names is recorded with it, so what reads the events
      // table (recommendations, segments) sees the purchase at commit, not after the relay.
      // The interaction follower resolves again later, for items created after their events.
      await new InteractionStore(tx).attachCatalogRefs(accepted.map((p) => p.event.messageId));
      await new OutboxStore(tx).add([
        EventsAccepted.message({ messageIds: accepted.map((p) => p.event.messageId) }),
      ]);
    }
  });
  return results;
}

/** Resolves the identity, then stores the event; a known message id changes nothing. */
async function writeOne(
  tx: Queryable,
  item: PreparedEvent,
  suppressionKeys: SuppressionKeys,
): Promise<Partial<TrackResult>> {
  const identities = new IdentityStore(tx);
  const events = new EventStore(tx);
  if (await new SuppressionStore(tx, suppressionKeys).dropIfSuppressed(item.identity)) {
    return {
      status: ItemStatus.REJECTED,
      error: {
        code: ErrorCode.SUPPRESSED,
        message: 'the identity belongs to an erased customer; the event was dropped',
      },
    };
  }
  let customerId = await identities.findCustomerId(item.identity);
  if (customerId === null) {
    // Check for a replay before creating anyone, so a resent message never leaves a new,
    // empty customer behind.
    const earlier = await events.findCustomerIdByMessageId(item.event.messageId);
    if (earlier !== null) {
      return { status: ItemStatus.UNCHANGED, customerId: earlier };
    }
    const resolved = await identities.resolveOrCreate(item.identity);
    customerId = resolved.customerId;
    if (resolved.created) {
      await new OutboxStore(tx).add([
        CustomerUpserted.message({ id: customerId, displayName: resolved.created.displayName }),
      ]);
    }
  } else if (
    (await new ConsentStore(tx).listWithdrawn([customerId], ConsentPurpose.ANALYTICS)).size > 0
  ) {
    // Withdrawn analytics consent: the event is dropped, not stored unlinked (see docs/security.md).
    return {
      status: ItemStatus.REJECTED,
      customerId,
      error: {
        code: ErrorCode.CONSENT_WITHDRAWN,
        message: 'the customer withdrew analytics consent; the event was not stored',
      },
    };
  }
  const eventId = await events.insert({ ...item.event, customerId });
  if (eventId !== null) {
    return { status: ItemStatus.CREATED, customerId };
  }
  return {
    status: ItemStatus.UNCHANGED,
    customerId: await events.findCustomerIdByMessageId(item.event.messageId),
  };
}

function prepare(
  input: TrackEventInput,
  index: number,
  vocabulary: IdentityVocabulary,
): PreparedEvent | { reason: string } {
  const invalid = validationFailure(input);
  if (invalid !== null) {
    return { reason: invalid };
  }
  const identity = vocabulary.keyOf(
    input.identity.type,
    input.identity.value,
    input.identity.customType,
  );
  if (!identity.ok) {
    return { reason: `identity: ${identity.reason}` };
  }
  if (
    input.occurredAt !== null &&
    input.occurredAt !== undefined &&
    Number.isNaN(input.occurredAt.getTime())
  ) {
    return { reason: 'occurredAt is not a valid date-time' };
  }
  return {
    index,
    identity: identity.key,
    event: {
      messageId: input.messageId,
      type: input.type,
      name: input.name ?? null,
      properties: input.properties ?? {},
      occurredAt: input.occurredAt ?? null,
      sessionId: input.sessionId ?? null,
      channel: input.channel?.toLowerCase() ?? null,
    },
  };
}
