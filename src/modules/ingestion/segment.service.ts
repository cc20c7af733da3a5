import { createHash } from 'node:crypto';

import { z } from 'zod';

import { ErrorCode, GatewayError } from '../../errors.js';
import { itemFailure, type ItemFailure, ItemStatus } from '../../graphql/bulk.kinds.js';
import type { Logger } from '../../logger.js';
import { TrackEventInput } from '../event/event.inputs.js';
import { EventType } from '../event/event.kinds.js';
import { storedFor, trackEvents } from '../event/event.service.js';
import type { IdentityWriteDeps } from '../identity/identity.service.js';
import type { IdentityKey } from '../identity/identity.store.js';
import { IdentityStore } from '../identity/identity.store.js';
import { IdentityInput } from '../identity/identity.type.js';
import { IdentityType } from '../identity/identity.kinds.js';
import type { IngestionDeps } from './ingestion.deps.js';
import { linkProfile, type ProfileLink } from './segment-profile.service.js';
import {
  actorOf,
  channelOf,
  displayNameOf,
  eventTypeOf,
  groupTraitOf,
  identitiesOf,
  occurredAtOf,
  propertiesOf,
  type SegmentIdentity,
  sessionIdOf,
} from './segment.mapping.js';
import {
  isEventMessage,
  type SegmentEventMessage,
  SegmentMessage,
  type SegmentProfileMessage,
} from './segment.schema.js';

/** Segment's limit on one message, as JSON (https://segment.com/docs/connections/sources/catalog/libraries/server/http-api/#max-request-size). */
export const MAX_MESSAGE_BYTES = 32 * 1024;

/** How one message of a request fared. */
export interface SegmentItemResult {
  /** Its position in the request (0 outside a batch). */
  index: number;
  /** The message id it was stored under (derived from its content when it had none). */
  messageId: string | null;
  type: string | null;
  /**
   * CREATED (an event stored, or a profile created), UPDATED (a profile changed), UNCHANGED
   * (this message id was stored before), REJECTED (see `error`).
   */
  status: ItemStatus;
  customerId: string | null;
  error: ItemFailure | null;
}

/** What a batch's envelope lends its items. */
export interface SegmentEnvelope {
  sentAt?: Date | undefined;
  context?: Record<string, unknown> | undefined;
}

/** An event message waiting to be written with its neighbours. */
interface PendingEvent {
  index: number;
  input: TrackEventInput;
}

/**
 * Applies Segment Spec messages in request order, each on its own: a message that is too large,
 * malformed or refused is rejected alone, with its reason. Consecutive track, page and screen
 * calls are stored together (one transaction, idempotent by message id); identify, group and
 * alias calls update profiles in between, so an identify followed by a track in one batch
 * attributes the track to the identified person.
 *
 * @param receivedAt when c360 received the request: the reference of the clock-skew rule.
 * @throws GatewayError POSTGRES_UNAVAILABLE or OVERLOADED when PostgreSQL cannot take a write
 * now; messages before the failing one may be stored (a resend stores them no second time).
 */
export async function ingestSegment(
  deps: IngestionDeps,
  raws: readonly unknown[],
  envelope: SegmentEnvelope,
  receivedAt: Date,
  logger: Logger,
): Promise<SegmentItemResult[]> {
  const results = raws.map((raw, index) => initialResult(raw, index));
  let pending: PendingEvent[] = [];
  const flush = async () => {
    if (pending.length === 0) {
      return;
    }
    const written = await trackEvents(
      deps,
      pending.map((p) => p.input),
      logger,
    );
    written.forEach((outcome, i) => {
      Object.assign(results[pending[i]!.index]!, {
        status: outcome.status,
        customerId: outcome.customerId,
        error: outcome.error,
      });
    });
    pending = [];
    deps.relay.wake();
    await deps.afterCommit.eventsStored(storedFor(written));
  };

  for (const [index, raw] of raws.entries()) {
    const result = results[index]!;
    const prepared = prepare(raw, envelope);
    if ('error' in prepared) {
      result.error = prepared.error;
      continue;
    }
    const { message, messageId } = prepared;
    result.messageId = messageId;
    try {
      if (isEventMessage(message)) {
        const identities = identitiesOf(message);
        // Both ids (or an e-mail) on one call: Segment treats them as one person from now on.
        if (identities.length > 1) {
          await linkProfile(deps, {
            ...keysOrThrow(deps, identities),
            displayName: null,
            traits: null,
          });
        }
        pending.push({ index, input: eventInput(message, messageId, envelope, receivedAt) });
        continue;
      }
      await flush();
      const linked = await linkProfile(deps, await profileLinkOf(deps, message));
      Object.assign(result, {
        status: linked.created ? ItemStatus.CREATED : ItemStatus.UPDATED,
        customerId: linked.customerId,
      });
    } catch (error) {
      if (isRetryable(error)) {
        // The request fails as a whole and the library sends it again: what this message
        // was is not its fault, and resending is safe (events are idempotent, profile
        // writes converge).
        throw error;
      }
      result.error =
        error instanceof InvalidIdentity
          ? { code: ErrorCode.BAD_USER_INPUT, message: error.message }
          : itemFailure(error, 'message', logger, index);
    }
  }
  await flush();
  return results;
}

function initialResult(raw: unknown, index: number): SegmentItemResult {
  const fields = (raw ?? {}) as { messageId?: unknown; type?: unknown };
  return {
    index,
    messageId: typeof fields.messageId === 'string' ? fields.messageId : null,
    type: typeof fields.type === 'string' ? fields.type : null,
    status: ItemStatus.REJECTED,
    customerId: null,
    error: null,
  };
}

function prepare(
  raw: unknown,
  envelope: SegmentEnvelope,
): { message: SegmentMessage; messageId: string } | { error: ItemFailure } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      error: { code: ErrorCode.BAD_USER_INPUT, message: 'a message must be a JSON object' },
    };
  }
  const text = JSON.stringify(raw);
  if (Buffer.byteLength(text) > MAX_MESSAGE_BYTES) {
    return {
      error: {
        code: ErrorCode.BAD_USER_INPUT,
        message: `the message is larger than ${MAX_MESSAGE_BYTES / 1024} KB`,
      },
    };
  }
  const own = raw as { context?: unknown };
  const parsed = SegmentMessage.safeParse({
    ...raw,
    context: { ...envelope.context, ...(isObject(own.context) ? own.context : {}) },
  });
  if (!parsed.success) {
    return { error: { code: ErrorCode.BAD_USER_INPUT, message: z.prettifyError(parsed.error) } };
  }
  const message = parsed.data;
  if (message.sentAt === undefined && envelope.sentAt !== undefined) {
    message.sentAt = envelope.sentAt;
  }
  // Without a message id, the content names the message: an identical resend is still one.
  const messageId =
    message.messageId ?? `c360-${createHash('sha256').update(text).digest('hex').slice(0, 40)}`;
  return { message, messageId };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function eventInput(
  message: SegmentEventMessage,
  messageId: string,
  envelope: SegmentEnvelope,
  receivedAt: Date,
): TrackEventInput {
  const actor = actorOf(message);
  const properties =
    message.type === 'track'
      ? propertiesOf(message.properties)
      : {
          ...propertiesOf(message.properties),
          ...(message.category === undefined ? {} : { category: message.category }),
          ...(message.type === 'screen' ? { screen: true } : {}),
        };
  return Object.assign(new TrackEventInput(), {
    messageId,
    identity: Object.assign(new IdentityInput(), { ...actor, customType: null }),
    type: message.type === 'track' ? eventTypeOf(message.event) : EventType.PAGE,
    name: message.type === 'track' ? message.event : (message.name ?? null),
    properties,
    occurredAt: occurredAtOf(message.timestamp, message.sentAt ?? envelope.sentAt, receivedAt),
    sessionId: sessionIdOf(message.context, message.properties),
    channel: channelOf(message.context),
  });
}

async function profileLinkOf(
  deps: IdentityWriteDeps,
  message: SegmentProfileMessage,
): Promise<ProfileLink> {
  switch (message.type) {
    case 'identify':
      return {
        ...keysOrThrow(deps, identitiesOf(message)),
        displayName: displayNameOf(message.traits),
        traits: message.traits ?? null,
      };
    case 'group':
      return {
        ...keysOrThrow(deps, identitiesOf(message)),
        displayName: null,
        traits: groupTraitOf(message.groupId, message.traits),
      };
    case 'alias':
      return {
        ...keysOrThrow(deps, [
          { type: IdentityType.USER_ID, value: message.userId },
          await previousIdentity(deps, message.previousId),
        ]),
        displayName: null,
        traits: null,
      };
  }
}

/**
 * Segment's `previousId` is a user id the person had, or the anonymous id they had before
 * they had any: a user id when some customer holds it as one, else an anonymous id.
 */
async function previousIdentity(
  deps: IdentityWriteDeps,
  previousId: string,
): Promise<SegmentIdentity> {
  const asUser = deps.vocabulary.keyOf(IdentityType.USER_ID, previousId);
  const known = asUser.ok && (await new IdentityStore(deps.db).findCustomerId(asUser.key)) !== null;
  return { type: known ? IdentityType.USER_ID : IdentityType.ANONYMOUS_ID, value: previousId };
}

class InvalidIdentity extends Error {}

/** Codes that say c360, not the message, failed: the caller should send it again later. */
export const RETRYABLE_CODES: ReadonlySet<string> = new Set([
  ErrorCode.POSTGRES_UNAVAILABLE,
  ErrorCode.OVERLOADED,
]);

/** Whether `error` (thrown, or an item's error) says c360 failed, not the message. */
export function isRetryable(error: unknown): boolean {
  const code =
    error instanceof GatewayError
      ? error.extensions['code']
      : (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_CODES.has(code);
}

/** Normalised keys, each once, in the order given; a malformed e-mail is left out. */
function keysOrThrow(
  deps: IdentityWriteDeps,
  identities: readonly SegmentIdentity[],
): { identities: IdentityKey[] } {
  const keys = new Map<string, IdentityKey>();
  for (const identity of identities) {
    const key = deps.vocabulary.keyOf(identity.type, identity.value);
    if (!key.ok) {
      // An e-mail trait is data first: one c360 cannot match on is kept as a trait, not
      // made an identity, and the call goes on (Segment would accept it too).
      if (identity.type === IdentityType.EMAIL) {
        continue;
      }
      throw new InvalidIdentity(`${identity.type}: ${key.reason}`);
    }
    keys.set(`${key.key.type}:${key.key.value}`, key.key);
  }
  return { identities: [...keys.values()] };
}
