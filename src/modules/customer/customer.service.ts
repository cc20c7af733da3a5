import { ErrorCode, GatewayError } from '../../errors.js';
import { embedTerms } from '../../lib/hashed-embedding.js';
import { OutboxStore } from '../../outbox/outbox.store.js';
import type { Services } from '../../context.js';
import { type CustomerUpdatedPayload, Topic } from '../../subscriptions/topics.js';
import type { UpsertCustomerInput } from './customer.inputs.js';
import { CustomerStore } from './customer.store.js';
import type { Customer } from './customer.type.js';

/**
 * Stores a profile with its embedding, and the outbox message that brings the graph in line,
 * in one transaction; then tells subscribers. Nothing is published before PostgreSQL
 * acknowledged the write, and Neo4j follows through the relay even if it is down right now.
 *
 * @throws GatewayError BAD_USER_INPUT when `traits.interests` is not a list of strings.
 */
export async function upsertCustomer(
  services: Services,
  input: UpsertCustomerInput,
): Promise<Customer> {
  const traits = input.traits ?? {};
  const interests = traits['interests'] ?? [];
  if (!Array.isArray(interests) || !interests.every((item) => typeof item === 'string')) {
    throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'traits.interests must be a list of strings', {
      extensions: { argument: 'input.traits.interests' },
    });
  }
  const customer = await services.db.withTransaction(async (tx) => {
    const saved = await new CustomerStore(tx).upsert({
      id: input.id ?? null,
      displayName: input.displayName,
      email: input.email ?? null,
      traits,
      embedding: embedTerms(interests as string[]),
    });
    await new OutboxStore(tx).add([
      {
        topic: 'graph.customer.upserted',
        payload: { id: saved.id, displayName: saved.displayName },
      },
    ]);
    return saved;
  });
  services.relay.wake();
  const payload: CustomerUpdatedPayload = {
    customerId: customer.id,
    updatedAt: customer.updatedAt.toISOString(),
  };
  services.pubSub.publish(Topic.CustomerUpdated, payload);
  return customer;
}
