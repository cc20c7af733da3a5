import { ErrorCode, GatewayError } from '../../errors.js';
import { embedTerms } from '../../lib/hashed-embedding.js';
import type { Services } from '../../context.js';
import { type CustomerUpdatedPayload, Topic } from '../../subscriptions/topics.js';
import type { UpsertCustomerInput } from './customer.inputs.js';
import type { Customer } from './customer.type.js';

/**
 * Stores a profile with its embedding in one statement, then tells subscribers. The publish
 * happens only after PostgreSQL acknowledged the write.
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
  const customer = await services.customers.upsert({
    id: input.id ?? null,
    displayName: input.displayName,
    email: input.email ?? null,
    traits,
    embedding: embedTerms(interests as string[]),
  });
  const payload: CustomerUpdatedPayload = {
    customerId: customer.id,
    updatedAt: customer.updatedAt.toISOString(),
  };
  services.pubSub.publish(Topic.CustomerUpdated, payload);
  return customer;
}
