import type { Services } from '../../context.js';
import type { Queryable } from '../../datasources/postgres.js';
import { ErrorCode, GatewayError } from '../../errors.js';
import { inSavepoint } from '../../lib/savepoint.js';
import { UUID_PATTERN } from '../../lib/ids.js';
import type { Logger } from '../../logger.js';
import { OutboxStore } from '../../outbox/outbox.store.js';
import { type UpsertItemResult, UpsertStatus } from '../common/bulk.type.js';
import type { LinkRelationshipInput } from './relationship.inputs.js';
import { RelationshipStore } from './relationship.store.js';
import type { RelationshipChange } from './relationship.type.js';

/**
 * Records a link or unlink between two existing customers as an outbox message; the relay
 * applies it to Neo4j. PostgreSQL acknowledges it, so an outage of the graph only delays it.
 *
 * @throws GatewayError BAD_USER_INPUT for a customer related to itself, NOT_FOUND for an
 * unknown customer.
 */
export async function changeRelationship(
  services: Services,
  change: RelationshipChange,
  action: 'linked' | 'unlinked',
): Promise<RelationshipChange> {
  if (change.fromId === change.toId) {
    throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'a customer cannot be related to itself', {
      extensions: { argument: 'toId' },
    });
  }
  const found = new Set(
    (await services.customers.findByIds([change.fromId, change.toId])).map((c) => c.id),
  );
  for (const [argument, id] of [
    ['fromId', change.fromId],
    ['toId', change.toId],
  ] as const) {
    if (!found.has(id)) {
      throw new GatewayError(ErrorCode.NOT_FOUND, `no customer with id ${id}`, {
        extensions: { argument },
      });
    }
  }
  await new OutboxStore(services.db).add([
    {
      topic: `graph.relationship.${action}`,
      payload: { type: change.type, from: change.fromId, to: change.toId },
    },
  ]);
  services.relay.wake();
  return change;
}

/**
 * Records many links at once, each as its own outbox message, and says per item what happened:
 * CREATED once PostgreSQL holds the link (linking an existing relationship again is harmless),
 * REJECTED with BAD_USER_INPUT (an id that is not a UUID, a customer related to itself) or
 * NOT_FOUND (an unknown customer). A merged id links its survivor.
 *
 * One transaction with a savepoint per item: a failing item is rolled back alone, and none is
 * ever half-written.
 *
 * @throws when PostgreSQL itself fails (the caller maps that to POSTGRES_UNAVAILABLE).
 */
export async function linkRelationships(
  services: Services,
  inputs: readonly LinkRelationshipInput[],
  logger: Logger,
): Promise<UpsertItemResult[]> {
  const results: UpsertItemResult[] = inputs.map((input, index) => ({
    index,
    status: UpsertStatus.REJECTED,
    id: null,
    error: malformedIdError(input),
  }));
  const valid = inputs.filter((_, index) => results[index]!.error === null);
  if (valid.length === 0) {
    return results;
  }
  const ids = [...new Set(valid.flatMap((i) => [i.fromId.toLowerCase(), i.toId.toLowerCase()]))];
  await services.db.withTransaction(async (tx) => {
    const currentIds = await new RelationshipStore(tx).lockCurrentIds(ids);
    for (const [index, input] of inputs.entries()) {
      if (results[index]!.error === null) {
        Object.assign(results[index]!, await linkOne(tx, input, currentIds, logger, index));
      }
    }
  });
  services.relay.wake();
  return results;
}

function malformedIdError(input: LinkRelationshipInput): UpsertItemResult['error'] {
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

async function linkOne(
  tx: Queryable,
  input: LinkRelationshipInput,
  currentIds: ReadonlyMap<string, string>,
  logger: Logger,
  index: number,
): Promise<Partial<UpsertItemResult>> {
  const from = currentIds.get(input.fromId.toLowerCase());
  const to = currentIds.get(input.toId.toLowerCase());
  if (from === undefined || to === undefined) {
    const missing = from === undefined ? input.fromId : input.toId;
    return { error: { code: ErrorCode.NOT_FOUND, message: `no customer with id ${missing}` } };
  }
  if (from === to) {
    return {
      error: { code: ErrorCode.BAD_USER_INPUT, message: 'a customer cannot be related to itself' },
    };
  }
  try {
    await inSavepoint(tx, () =>
      new OutboxStore(tx).add([
        { topic: 'graph.relationship.linked', payload: { type: input.type, from, to } },
      ]),
    );
    return { status: UpsertStatus.CREATED };
  } catch (error) {
    logger.error({ err: error, index }, 'relationship not stored');
    return {
      error: {
        code: ErrorCode.INTERNAL_SERVER_ERROR,
        message: 'the relationship could not be stored',
      },
    };
  }
}
