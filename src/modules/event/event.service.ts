import type { Postgres, Queryable } from '../../datasources/postgres.js';
import { ErrorCode } from '../../errors.js';
import { inSavepoint } from '../../lib/savepoint.js';
import { validationFailure } from '../../lib/validation.js';
import type { Logger } from '../../logger.js';
import type { IdentityVocabulary } from '../identity/identity.normalize.js';
import { IdentityStore } from '../identity/identity.store.js';
import type { TrackEventInput } from './event.inputs.js';
import { type OutboxMessage, OutboxStore } from '../../outbox/outbox.store.js';
import type { SuppressionKeys } from '../privacy/suppression-keys.js';
import { SuppressionStore } from '../privacy/suppression.store.js';
import { ConsentPurpose } from '../consent/consent.kinds.js';
import { ConsentStore } from '../consent/consent.store.js';
import { CustomerUpserted } from '../customer/customer.topics.js';
import { EventStore } from './event.store.js';
import {
  identityKeyOf,
  OwnerLost,
  type PreparedEvent,
  suppressedOutcome,
  withdrawnOutcome,
  writeBatch,
} from './event-batch.service.js';
import { EventsAccepted } from './event.topics.js';
import { InteractionStore } from '../interaction/interaction.store.js';
import { itemFailure, ItemStatus } from '../../graphql/bulk.kinds.js';
import type { TrackResult } from './event.type.js';

/**
 * Stores events idempotently, each attributed to the customer holding its identity (created
 * when the identity is new), and says per event what happened.
 *
 * All events of one call share one transaction. They are written set-based, a fixed number of
 * statements for the whole batch; should one of those statements fail (a value PostgreSQL
 * refuses, a customer erased meanwhile), that work is rolled back and each event is written
 * again inside its own savepoint, so the one that fails is reported REJECTED alone and no
 * event is ever half-written. Invalid events are rejected before anything is written.
 *
 * Identity locks are taken up front in one sorted order: shared for identities that already
 * have an owner (concurrent batches for the same customers go on side by side), exclusive for
 * new ones (never two customers for one identity) — and identify, merges and profile writes
 * take them exclusively. An event for another identity of a customer being merged away is held
 * by the row lock the merge takes on that customer (MergeStore.merge), which the events'
 * foreign-key check (FOR KEY SHARE) waits for; once the merge commits that check fails, and
 * the one-at-a-time fallback below resolves the identity again, to the survivor.
 *
 * @throws GatewayError POSTGRES_UNAVAILABLE when PostgreSQL itself cannot answer.
 */
export async function trackEvents(
  deps: { db: Postgres; vocabulary: IdentityVocabulary; suppressionKeys: SuppressionKeys },
  inputs: readonly TrackEventInput[],
  logger: Logger,
): Promise<TrackResult[]> {
  const results: TrackResult[] = inputs.map((input, index) => ({
    index,
    messageId: input.messageId,
    status: ItemStatus.REJECTED,
    customerId: null,
    error: null,
  }));
  const prepared: PreparedEvent[] = [];
  inputs.forEach((input, index) => {
    const outcome = prepare(input, index, deps.vocabulary);
    if ('reason' in outcome) {
      results[index]!.error = { code: ErrorCode.BAD_USER_INPUT, message: outcome.reason };
    } else {
      prepared.push(outcome);
    }
  });
  if (prepared.length === 0) {
    return results;
  }
  // Rare: an owner vanished between the first look and the lock. Then again, those identities
  // locked exclusively; the last attempt locks every identity exclusively, so it cannot recur.
  let exclusive: ReadonlySet<string> | 'all' = new Set();
  for (let attempt = 1; ; attempt += 1) {
    try {
      await deps.db.withTransaction((tx) =>
        writeEvents(tx, prepared, results, exclusive, deps.suppressionKeys, logger),
      );
      return results;
    } catch (error) {
      if (!(error instanceof OwnerLost) || exclusive === 'all') {
        throw error;
      }
      exclusive = attempt >= 2 ? 'all' : new Set([...exclusive, ...error.identityKeys]);
    }
  }
}

/** The customers whose events these results say were stored now (not duplicates). */
export function storedFor(results: readonly TrackResult[]): string[] {
  return results.flatMap((r) =>
    r.status === ItemStatus.CREATED && r.customerId !== null ? [r.customerId] : [],
  );
}

/** One attempt, inside the call's transaction. */
async function writeEvents(
  tx: Queryable,
  prepared: readonly PreparedEvent[],
  results: TrackResult[],
  exclusiveKeys: ReadonlySet<string> | 'all',
  suppressionKeys: SuppressionKeys,
  logger: Logger,
): Promise<void> {
  const exclusive = await lockIdentities(tx, prepared, exclusiveKeys);
  const outbox: OutboxMessage[] = [];
  try {
    const batch = await inSavepoint(tx, () => writeBatch(tx, prepared, exclusive, suppressionKeys));
    for (const [index, outcome] of batch.outcomes) {
      Object.assign(results[index]!, outcome);
    }
    outbox.push(...batch.outbox);
  } catch (error) {
    if (error instanceof OwnerLost) {
      throw error;
    }
    logger.warn(
      { err: (error as Error).message, events: prepared.length },
      'set-based event write failed; writing the batch one event at a time',
    );
    await writeEach(tx, prepared, results, suppressionKeys, logger);
  }
  // Followers (interactions, segments, the customer feed, predictions) learn of new events
  // from the outbox; duplicates are not announced again.
  const accepted = prepared.filter((p) => results[p.index]!.status === ItemStatus.CREATED);
  if (accepted.length > 0) {
    // The catalogue item each event names is recorded with it, so what reads the events
    // table (recommendations, segments) sees the purchase at commit, not after the relay.
    // The interaction follower resolves again later, for items created after their events.
    await new InteractionStore(tx).attachCatalogRefs(accepted.map((p) => p.event.messageId));
    outbox.push(EventsAccepted.message({ messageIds: accepted.map((p) => p.event.messageId) }));
  }
  await new OutboxStore(tx).add(outbox);
}

/**
 * Locks every identity of the batch (see trackEvents): exclusively those nobody owned at a
 * first, unlocked look and those `exclusiveKeys` names; shared the rest.
 *
 * @returns the identities locked exclusively, by `type:value`.
 */
async function lockIdentities(
  tx: Queryable,
  prepared: readonly PreparedEvent[],
  exclusiveKeys: ReadonlySet<string> | 'all',
): Promise<Set<string>> {
  const identities = new IdentityStore(tx);
  const distinct = [
    ...new Map(prepared.map((p) => [identityKeyOf(p.identity), p.identity])).values(),
  ];
  const owned = exclusiveKeys === 'all' ? new Map() : await identities.findOwners(distinct);
  const exclusive = distinct.map((identity) => {
    const key = identityKeyOf(identity);
    return exclusiveKeys === 'all' || exclusiveKeys.has(key) || !owned.has(key);
  });
  await identities.lockForTracking(distinct, exclusive);
  return new Set(distinct.filter((_, i) => exclusive[i]).map(identityKeyOf));
}

/** The fallback: each event in its own savepoint, so a failing one is rolled back alone. */
async function writeEach(
  tx: Queryable,
  prepared: readonly PreparedEvent[],
  results: TrackResult[],
  suppressionKeys: SuppressionKeys,
  logger: Logger,
): Promise<void> {
  for (const item of prepared) {
    try {
      Object.assign(
        results[item.index]!,
        await inSavepoint(tx, () => writeOne(tx, item, suppressionKeys)),
      );
    } catch (error) {
      results[item.index]!.error = itemFailure(error, 'event', logger, item.index);
    }
  }
}

/**
 * Resolves the identity, then stores the event; a known message id changes nothing. What the
 * set-based writeBatch decides for many events at once, for one (and the messages about a new
 * customer go to the outbox here, inside the item's savepoint).
 */
async function writeOne(
  tx: Queryable,
  item: PreparedEvent,
  suppressionKeys: SuppressionKeys,
): Promise<Partial<TrackResult>> {
  const identities = new IdentityStore(tx);
  const events = new EventStore(tx);
  if (await new SuppressionStore(tx, suppressionKeys).dropIfSuppressed(item.identity)) {
    return suppressedOutcome();
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
    return withdrawnOutcome(customerId);
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
