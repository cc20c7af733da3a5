import type { Queryable } from '../../datasources/postgres.js';
import { ErrorCode, GatewayError } from '../../errors.js';
import { inSavepoint } from '../../lib/savepoint.js';
import { UUID_PATTERN } from '../../lib/ids.js';
import type { Logger } from '../../logger.js';
import { OutboxStore } from '../../outbox/outbox.store.js';
import { type UpsertItemResult } from '../../graphql/bulk.type.js';
import { itemFailure, ItemStatus } from '../../graphql/bulk.kinds.js';
import { CustomerStore } from '../customer/customer.store.js';
import { ErasedCustomerStore } from '../privacy/erased-customer.store.js';
import type { WriteDeps } from '../module.js';
import type { Relationship } from './relationship.kinds.js';
import { RelationshipStore } from './relationship.store.js';
import { RelationshipLinked, RelationshipUnlinked } from './relationship.topics.js';
import type { RelationshipChange } from './relationship.type.js';

/** What relationship writes need: a transaction and the relay's doorbell. */
export type RelationshipWriteDeps = WriteDeps;

export type RelationshipAction = 'linked' | 'unlinked';

const TOPICS = { linked: RelationshipLinked, unlinked: RelationshipUnlinked } as const;

/** A per-item result, with the pair as recorded (current ids) when it was accepted. */
export interface ChangeResult extends UpsertItemResult {
  pair: { fromId: string; toId: string } | null;
  /** Which argument a rejection is about, for the single form's error. */
  argument?: 'fromId' | 'toId';
}

/** A relationship change, one item of {@link changeRelationships}. */
export interface RelationshipChangeInput {
  fromId: string;
  toId: string;
  type: Relationship;
}

/**
 * Links or unlinks one pair through the same merge-aware, locked path as the bulk form: a
 * merged id acts on its survivor, and an erasure running at the same time waits for this
 * transaction (so the graph never gets an erased customer's node back).
 *
 * @returns the change as recorded, with the customers' current ids.
 * @throws GatewayError BAD_USER_INPUT (malformed id, a customer related to itself),
 * SUPPRESSED (an erased customer) or NOT_FOUND (an unknown customer); nothing is written then.
 */
export async function changeRelationship(
  deps: RelationshipWriteDeps,
  change: RelationshipChangeInput,
  action: RelationshipAction,
  logger: Logger,
): Promise<RelationshipChange> {
  const [result] = await changeRelationships(deps, [change], action, logger);
  if (result!.error !== null) {
    throw new GatewayError(result!.error.code, result!.error.message, {
      extensions: result!.argument ? { argument: result!.argument } : {},
    });
  }
  return { type: change.type, ...result!.pair! };
}

/**
 * Records many links (or unlinks) at once, each as its own outbox message, and says per item
 * what happened: CREATED once PostgreSQL holds the change (repeating one is harmless),
 * REJECTED with BAD_USER_INPUT (an id that is not a UUID, a customer related to itself),
 * SUPPRESSED (an erased customer, or one merged into an erased one) or NOT_FOUND (an unknown
 * customer). A merged id links its survivor.
 *
 * One transaction with a savepoint per item: a failing item is rolled back alone, and none is
 * ever half-written.
 *
 * @throws when PostgreSQL itself fails (the caller maps that to POSTGRES_UNAVAILABLE).
 */
export async function changeRelationships(
  deps: RelationshipWriteDeps,
  inputs: readonly RelationshipChangeInput[],
  action: RelationshipAction,
  logger: Logger,
): Promise<ChangeResult[]> {
  const results: ChangeResult[] = inputs.map((input, index) => ({
    index,
    status: ItemStatus.REJECTED,
    id: null,
    error: malformedIdError(input),
    pair: null,
  }));
  const valid = inputs.filter((_, index) => results[index]!.error === null);
  if (valid.length === 0) {
    return results;
  }
  const ids = [...new Set(valid.flatMap((i) => [i.fromId.toLowerCase(), i.toId.toLowerCase()]))];
  await deps.db.withTransaction(async (tx) => {
    const currentIds = await new CustomerStore(tx).shareLockCurrent(ids);
    // After the locks: an erasure that held one of these customers has committed its record.
    const erasedIds = await new ErasedCustomerStore(tx).findErased(
      ids.filter((id) => !currentIds.has(id)),
    );
    for (const [index, input] of inputs.entries()) {
      if (results[index]!.error === null) {
        Object.assign(
          results[index]!,
          await changeOne(tx, input, action, { currentIds, erasedIds }, logger, index),
        );
      }
    }
  });
  deps.relay.wake();
  return results;
}

function malformedIdError(input: RelationshipChangeInput): UpsertItemResult['error'] {
  for (const [field, id] of [
    ['fromId', input.fromId],
    ['toId', input.toId],
  ] as const) {
    if (!UUID_PATTERN.test(id)) {
      return {
        code: ErrorCode.BAD_USER_INPUT,
        message: `${field} must be a UUID, got "${id.slice(0, 64)}"`,
      };
    }
  }
  return null;
}

async function changeOne(
  tx: Queryable,
  input: RelationshipChangeInput,
  action: RelationshipAction,
  known: { currentIds: ReadonlyMap<string, string>; erasedIds: ReadonlySet<string> },
  logger: Logger,
  index: number,
): Promise<Partial<ChangeResult>> {
  const from = known.currentIds.get(input.fromId.toLowerCase());
  const to = known.currentIds.get(input.toId.toLowerCase());
  if (from === undefined || to === undefined) {
    const argument = from === undefined ? 'fromId' : 'toId';
    const id = input[argument];
    return {
      argument,
      error: known.erasedIds.has(id.toLowerCase())
        ? { code: ErrorCode.SUPPRESSED, message: `customer ${id} was erased` }
        : { code: ErrorCode.NOT_FOUND, message: `no customer with id ${id}` },
    };
  }
  if (from === to) {
    return {
      argument: 'toId',
      error: { code: ErrorCode.BAD_USER_INPUT, message: 'a customer cannot be related to itself' },
    };
  }
  try {
    const row = { type: input.type, from, to };
    // The row and its message together: the graph follows exactly what PostgreSQL holds.
    await inSavepoint(tx, async () => {
      const store = new RelationshipStore(tx);
      await (action === 'linked' ? store.link(row) : store.unlink(row));
      await new OutboxStore(tx).add([TOPICS[action].message(row)]);
    });
    return { status: ItemStatus.CREATED, pair: { fromId: from, toId: to } };
  } catch (error) {
    return { error: itemFailure(error, 'relationship', logger, index) };
  }
}
