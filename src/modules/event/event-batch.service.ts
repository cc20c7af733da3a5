import type { Queryable } from '../../datasources/postgres.js';
import { ErrorCode } from '../../errors.js';
import { ItemStatus } from '../../graphql/bulk.kinds.js';
import type { OutboxMessage } from '../../outbox/outbox.topic.js';
import { ConsentPurpose } from '../consent/consent.kinds.js';
import { ConsentStore } from '../consent/consent.store.js';
import { CustomerUpserted } from '../customer/customer.topics.js';
import { type IdentityKey, IdentityStore } from '../identity/identity.store.js';
import type { SuppressionKeys } from '../privacy/suppression-keys.js';
import { SuppressionStore } from '../privacy/suppression.store.js';
import { EventStore, type NewEvent } from './event.store.js';
import type { TrackResult } from './event.type.js';

/** An item that passed validation, ready to be written. */
export interface PreparedEvent {
  index: number;
  identity: IdentityKey;
  event: Omit<NewEvent, 'customerId'>;
}

/** What happened to one item, by its position in the call. */
export type ItemOutcome = Pick<TrackResult, 'status' | 'customerId' | 'error'>;

/**
 * An identity read as owned (so locked shared) had no owner once the lock was granted: it must
 * be created, which needs the exclusive lock. The caller runs the batch again in a new
 * transaction with these identities locked exclusively (a shared lock is never upgraded in
 * place: two holders upgrading would deadlock).
 */
export class OwnerLost extends Error {
  constructor(readonly identityKeys: readonly string[]) {
    super('an identity lost its owner while its shared lock was awaited');
  }
}

/** `type:value`, the key identities are told apart by in a batch. */
export const identityKeyOf = (identity: IdentityKey) => `${identity.type}:${identity.value}`;

/**
 * Writes a batch's events with a fixed number of statements, whatever its size: suppressions,
 * owners, replays, new customers, consent, events, each one set-based statement. Decides per
 * item exactly as the one-at-a-time path does (event.service.ts `writeOne`), in batch order
 * where order matters (the first of two items with one message id is the one stored).
 *
 * Call under {@link IdentityStore.lockForTracking} locks on every identity of `items`,
 * exclusive for those in `exclusive`. A failing statement throws (the caller falls back to one
 * savepoint per item); nothing is reported until every statement succeeded.
 *
 * @throws OwnerLost when an identity locked shared has no owner and is not suppressed.
 */
export async function writeBatch(
  tx: Queryable,
  items: readonly PreparedEvent[],
  exclusive: ReadonlySet<string>,
  suppressionKeys: SuppressionKeys,
): Promise<{ outcomes: Map<number, ItemOutcome>; outbox: OutboxMessage[] }> {
  const identities = new IdentityStore(tx);
  const events = new EventStore(tx);
  const outcomes = new Map<number, ItemOutcome>();
  const distinct = distinctIdentities(items);
  const keys = [...distinct.keys()];
  const suppressed = await new SuppressionStore(tx, suppressionKeys).dropSuppressed(
    [...distinct.values()].map((d) => d.identity),
    [...distinct.values()].map((d) => d.events),
  );
  const suppressedKeys = new Set([...suppressed].map((i) => keys[i]!));
  const owners = await identities.findOwners([...distinct.values()].map((d) => d.identity));
  const lost = keys.filter((k) => !suppressedKeys.has(k) && !owners.has(k) && !exclusive.has(k));
  if (lost.length > 0) {
    throw new OwnerLost(lost);
  }
  const known = new Map(owners);
  let pending = items.filter((item) => {
    if (!suppressedKeys.has(identityKeyOf(item.identity))) {
      return true;
    }
    outcomes.set(item.index, suppressedOutcome());
    return false;
  });

  // Replays first, so a resent message never leaves a new, empty customer behind.
  const unowned = pending.filter((item) => !known.has(identityKeyOf(item.identity)));
  const replays = await events.findCustomerIdsByMessageIds(unowned.map((i) => i.event.messageId));
  pending = pending.filter((item) => {
    const earlier = known.has(identityKeyOf(item.identity))
      ? undefined
      : replays.get(item.event.messageId);
    if (earlier === undefined) {
      return true;
    }
    outcomes.set(item.index, { status: ItemStatus.UNCHANGED, customerId: earlier, error: null });
    return false;
  });
  const outbox = await createOwners(identities, pending, known);

  const withdrawn = await withdrawnAnalytics(tx, pending, owners);
  pending = pending.filter((item) => {
    const customerId = owners.get(identityKeyOf(item.identity));
    if (customerId === undefined || !withdrawn.has(customerId)) {
      return true;
    }
    outcomes.set(item.index, withdrawnOutcome(customerId));
    return false;
  });

  await insertEvents(events, pending, known, outcomes);
  return { outcomes, outbox };
}

/** Which earlier owners of `pending`'s identities withdrew analytics consent. */
async function withdrawnAnalytics(
  tx: Queryable,
  pending: readonly PreparedEvent[],
  owners: ReadonlyMap<string, string>,
): Promise<Set<string>> {
  const customerIds = new Set<string>();
  for (const item of pending) {
    const owner = owners.get(identityKeyOf(item.identity));
    if (owner !== undefined) {
      customerIds.add(owner);
    }
  }
  return customerIds.size === 0
    ? new Set()
    : new ConsentStore(tx).listWithdrawn([...customerIds], ConsentPurpose.ANALYTICS);
}

/** Creates a customer for each identity of `pending` nobody owns; adds them to `owners`. */
async function createOwners(
  identities: IdentityStore,
  pending: readonly PreparedEvent[],
  owners: Map<string, string>,
): Promise<OutboxMessage[]> {
  const missing = [...distinctIdentities(pending).entries()].filter(([key]) => !owners.has(key));
  if (missing.length === 0) {
    return [];
  }
  const created = await identities.createCustomersWithIdentities(
    missing.map(([, d]) => d.identity),
  );
  return created.map((customer, i) => {
    owners.set(missing[i]![0], customer.customerId);
    return CustomerUpserted.message({ id: customer.customerId, displayName: customer.displayName });
  });
}

/**
 * Stores the first item of each message id; every other item (a message id stored before, or
 * earlier in this batch) is UNCHANGED, answered with the customer its message id belongs to.
 */
async function insertEvents(
  events: EventStore,
  pending: readonly PreparedEvent[],
  owners: ReadonlyMap<string, string>,
  outcomes: Map<number, ItemOutcome>,
): Promise<void> {
  const firsts = new Map<string, PreparedEvent>();
  for (const item of pending) {
    if (!firsts.has(item.event.messageId)) {
      firsts.set(item.event.messageId, item);
    }
  }
  const inserted = await events.insertMany(
    [...firsts.values()].map((item) => ({
      ...item.event,
      customerId: owners.get(identityKeyOf(item.identity))!,
    })),
  );
  // A message id stored by this statement belongs to the customer of its first item.
  const ownerOfFirst = (messageId: string) =>
    inserted.has(messageId) ? owners.get(identityKeyOf(firsts.get(messageId)!.identity))! : null;
  const repeated = pending.filter((item) => !inserted.has(item.event.messageId));
  const storedFor = await events.findCustomerIdsByMessageIds([
    ...new Set(repeated.map((item) => item.event.messageId)),
  ]);
  for (const item of pending) {
    const created = inserted.has(item.event.messageId) && firsts.get(item.event.messageId) === item;
    outcomes.set(
      item.index,
      created
        ? {
            status: ItemStatus.CREATED,
            customerId: owners.get(identityKeyOf(item.identity))!,
            error: null,
          }
        : {
            status: ItemStatus.UNCHANGED,
            customerId: storedFor.get(item.event.messageId) ?? ownerOfFirst(item.event.messageId),
            error: null,
          },
    );
  }
}

/** Each identity of `items` once, with how many of the items carry it. */
function distinctIdentities(
  items: readonly PreparedEvent[],
): Map<string, { identity: IdentityKey; events: number }> {
  const distinct = new Map<string, { identity: IdentityKey; events: number }>();
  for (const item of items) {
    const key = identityKeyOf(item.identity);
    const entry = distinct.get(key) ?? { identity: item.identity, events: 0 };
    entry.events += 1;
    distinct.set(key, entry);
  }
  return distinct;
}

export function suppressedOutcome(): ItemOutcome {
  return {
    status: ItemStatus.REJECTED,
    customerId: null,
    error: {
      code: ErrorCode.SUPPRESSED,
      message: 'the identity belongs to an erased customer; the event was dropped',
    },
  };
}

export function withdrawnOutcome(customerId: string): ItemOutcome {
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
