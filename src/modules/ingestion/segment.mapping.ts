import { EventType } from '../event/event.kinds.js';
import { IdentityType } from '../identity/identity.kinds.js';
import type { SegmentContext, SegmentMessage } from './segment.schema.js';

/*
 * How a Segment Spec message becomes c360 data: pure functions, no I/O (docs/ingestion.md has
 * the table).
 */

/**
 * Track event names of Segment's e-commerce spec v2 that mean one of c360's event types. A
 * name not listed (and not a c360 type itself) is stored as CUSTOM with the name kept.
 */
const SPEC_EVENT_TYPES: ReadonlyMap<string, EventType> = new Map([
  ['Products Searched', EventType.SEARCH],
  ['Product Clicked', EventType.CLICK],
  ['Product Viewed', EventType.VIEW],
  ['Product Added', EventType.CART_ADD],
  ['Product Removed', EventType.CART_REMOVE],
  ['Product Added to Wishlist', EventType.WISHLIST_ADD],
  ['Order Completed', EventType.PURCHASE],
]);

const C360_TYPES: ReadonlySet<string> = new Set(Object.values(EventType));

/** The c360 event type a track call's `event` name stands for. */
export function eventTypeOf(event: string): EventType {
  const spec = SPEC_EVENT_TYPES.get(event);
  if (spec !== undefined) {
    return spec;
  }
  // A client already speaking c360 ("cart_add") is understood as it is.
  return C360_TYPES.has(event) ? (event as EventType) : EventType.CUSTOM;
}

/**
 * Properties as stored: Segment's `product_id` also as `productId`, the key c360 resolves
 * catalogue products by (with `sku`, which both spell alike). The originals are kept.
 */
export function propertiesOf(properties: Record<string, unknown> | undefined) {
  const stored: Record<string, unknown> = { ...properties };
  const productId = stored['product_id'];
  if (stored['productId'] === undefined && productId != null) {
    stored['productId'] = String(productId);
  }
  return stored;
}

/**
 * When it happened, by Segment's clock-skew rule: a device clock may be wrong, but the gap
 * between `timestamp` and `sentAt` on that clock is right, so the event happened that long
 * before c360 received it. Without `sentAt`, `timestamp` is taken as it is; without either,
 * the time it was received.
 */
export function occurredAtOf(
  timestamp: Date | undefined,
  sentAt: Date | undefined,
  receivedAt: Date,
): Date {
  if (timestamp === undefined) {
    return receivedAt;
  }
  if (sentAt === undefined) {
    return timestamp;
  }
  return new Date(receivedAt.getTime() - (sentAt.getTime() - timestamp.getTime()));
}

/** As events_channel_check (c360 stores it lower-case). */
const CHANNEL = /^[a-z][a-z0-9_-]{0,31}$/i;

/** Segment's own libraries, by `context.library.name`, and the channel each one reports from. */
const LIBRARY_CHANNELS: ReadonlyMap<string, string> = new Map([
  ['analytics.js', 'web'],
  ['analytics-next', 'web'],
  ['@segment/analytics-next', 'web'],
  ['RudderLabs JavaScript SDK', 'web'],
  ['analytics-node', 'server'],
  ['@segment/analytics-node', 'server'],
  ['@rudderstack/rudder-sdk-node', 'server'],
  ['analytics-ios', 'ios'],
  ['analytics-swift', 'ios'],
  ['analytics-android', 'android'],
  ['analytics-kotlin', 'android'],
]);

/**
 * The channel: `context.channel` when c360 can store it (Segment sends `server`, `browser`,
 * `mobile`), else what the library says about where it runs, else the library's own name made
 * storable; null when none of these says anything.
 */
export function channelOf(context: SegmentContext | undefined): string | null {
  const channel = context?.channel;
  if (channel !== undefined && CHANNEL.test(channel)) {
    return channel.toLowerCase();
  }
  const library = context?.library?.name;
  if (library === undefined) {
    return null;
  }
  const known = LIBRARY_CHANNELS.get(library);
  if (known !== undefined) {
    return known;
  }
  const storable = library
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 32);
  return storable === '' ? null : storable;
}

/** The session: `context.sessionId`, else `properties.session_id`; null when neither fits. */
export function sessionIdOf(
  context: SegmentContext | undefined,
  properties: Record<string, unknown> | undefined,
): string | null {
  const given = context?.sessionId ?? properties?.['session_id'];
  if (typeof given !== 'string' && typeof given !== 'number') {
    return null;
  }
  const text = String(given);
  return text.length >= 1 && text.length <= 128 ? text : null;
}

/** An identity as c360's writes take it (normalised later by the identity vocabulary). */
export interface SegmentIdentity {
  type: IdentityType;
  value: string;
}

/** Whom a message is about, the known identity first: `userId`, then `anonymousId`. */
export function actorOf(message: {
  userId?: string | null | undefined;
  anonymousId?: string | null | undefined;
}): SegmentIdentity {
  return message.userId != null
    ? { type: IdentityType.USER_ID, value: message.userId }
    : { type: IdentityType.ANONYMOUS_ID, value: message.anonymousId! };
}

/**
 * Every identity a message names, the known ones first: `userId`, the e-mail in `traits` or
 * `context.traits`, `anonymousId`. Segment resolves all of them to one person.
 */
export function identitiesOf(message: SegmentMessage): SegmentIdentity[] {
  const identities: SegmentIdentity[] = [];
  if (message.userId != null) {
    identities.push({ type: IdentityType.USER_ID, value: message.userId });
  }
  const traits = message.type === 'identify' ? message.traits : undefined;
  const email = traits?.['email'] ?? message.context?.traits?.['email'];
  if (typeof email === 'string' && email.trim() !== '') {
    identities.push({ type: IdentityType.EMAIL, value: email });
  }
  if (message.anonymousId != null) {
    identities.push({ type: IdentityType.ANONYMOUS_ID, value: message.anonymousId });
  }
  return identities;
}

/** The name to show, from Segment's reserved traits `name`, or `firstName` and `lastName`. */
export function displayNameOf(traits: Record<string, unknown> | undefined): string | null {
  const name = traits?.['name'];
  if (typeof name === 'string' && name.trim() !== '') {
    return name.trim().slice(0, 200);
  }
  const parts = [traits?.['firstName'], traits?.['lastName']].filter(
    (part): part is string => typeof part === 'string' && part.trim() !== '',
  );
  return parts.length > 0 ? parts.join(' ').trim().slice(0, 200) : null;
}

/**
 * The trait a group call stores: the account the person belongs to, under `group`, as
 * `{ id, traits }`. One key, replaced whole by the next group call: c360 keeps a person's
 * current group, not the history of them (the event timeline is the place for history).
 */
export const GROUP_TRAIT = 'group';

export function groupTraitOf(groupId: string, traits: Record<string, unknown> | undefined) {
  return { [GROUP_TRAIT]: { id: groupId, traits: traits ?? {} } };
}
