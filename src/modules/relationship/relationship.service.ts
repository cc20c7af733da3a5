import type { Services } from '../../context.js';
import { ErrorCode, GatewayError } from '../../errors.js';
import { OutboxStore } from '../../outbox/outbox.store.js';
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
