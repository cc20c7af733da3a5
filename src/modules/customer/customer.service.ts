import type { Queryable } from '../../datasources/postgres.js';
import { ErrorCode, GatewayError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { WriteDeps } from '../module.js';
import { CustomerUpserted } from './customer.topics.js';
import { normalizeKeywords } from '../../lib/keywords.js';
import { inSavepoint } from '../../lib/savepoint.js';
import { validationFailure } from '../../lib/validation.js';
import { type OutboxMessage, OutboxStore } from '../../outbox/outbox.store.js';
import { type ItemError, type UpsertItemResult } from '../../graphql/bulk.type.js';
import { itemFailure, ItemStatus } from '../../graphql/bulk.kinds.js';
import type { IdentityVocabulary } from '../identity/identity.normalize.js';
import { type IdentityKey, IdentityStore } from '../identity/identity.store.js';
import { mergeCustomerInto } from '../identity/merge.service.js';
import { ErasedCustomerStore } from '../privacy/erased-customer.store.js';
import { contactEmailKey, type SuppressionKeys } from '../privacy/suppression-keys.js';
import { SuppressionStore } from '../privacy/suppression.store.js';
import type { UpsertCustomerInput } from './customer.inputs.js';
import { TraitsMode } from './customer.kinds.js';
import { CustomerStore } from './customer.store.js';
import type { Customer } from './customer.type.js';

/**
 * What customer writes need: a transaction, the identity vocabulary, the keys of erasure
 * suppressions, the doorbells.
 */
export type CustomerWriteDeps = WriteDeps & {
  vocabulary: IdentityVocabulary;
  suppressionKeys: SuppressionKeys;
};

/** An item that passed validation, ready to be written. */
interface PreparedCustomer {
  index: number;
  input: UpsertCustomerInput;
  identities: IdentityKey[];
}

/** A rejected item carries the error a single upsert would throw. */
class ItemRejected extends Error {
  constructor(readonly error: ItemError) {
    super(error.message);
  }
}

/**
 * Stores one profile; see {@link upsertCustomers} for how the customer is found.
 *
 * @throws GatewayError BAD_USER_INPUT (malformed input), SUPPRESSED (the id, an identity or the
 * contact e-mail of an erased customer); nothing is written then.
 */
export async function upsertCustomer(
  deps: CustomerWriteDeps,
  input: UpsertCustomerInput,
): Promise<Customer> {
  const prepared = prepareCustomer(input, 0, deps.vocabulary);
  if ('code' in prepared) {
    throw new GatewayError(prepared.code, prepared.message);
  }
  const saved = await deps.db
    .withTransaction(async (tx) => {
      await new IdentityStore(tx).lockForResolution(prepared.identities);
      return writeCustomer(tx, prepared, deps.suppressionKeys);
    })
    .catch((error: unknown) => {
      if (error instanceof ItemRejected) {
        throw new GatewayError(error.error.code, error.error.message);
      }
      throw error;
    });
  // Subscribers hear of it from the change feed, written as the relay follows the outbox.
  deps.relay.wake();
  return saved.customer;
}

/**
 * Stores profiles with their embeddings and identities, and the outbox messages that bring the
 * graph in line, in one transaction with a savepoint per item: a rejected item is rolled back
 * alone and reported, never half-written. Subscribers hear of a change only after commit.
 *
 * Each item lands on the customer with its `id` (a merged id resolves to its survivor), else on
 * the oldest customer owning one of its identities, else on a new customer. Every other owner
 * of those identities is merged into it (cause `identity_conflict`): one person, one profile.
 * Identity locks are taken up front in one sorted order, so concurrent upserts of one identity
 * never create two customers. An item naming an erased customer by id, identity or contact
 * e-mail is rejected (SUPPRESSED): erasure is never undone by a write.
 */
export async function upsertCustomers(
  deps: CustomerWriteDeps,
  inputs: readonly UpsertCustomerInput[],
  logger: Logger,
): Promise<UpsertItemResult[]> {
  const results: UpsertItemResult[] = inputs.map((_, index) => ({
    index,
    status: ItemStatus.REJECTED,
    id: null,
    error: null,
  }));
  const prepared: PreparedCustomer[] = [];
  inputs.forEach((input, index) => {
    const outcome = prepareCustomer(input, index, deps.vocabulary);
    if ('code' in outcome) {
      results[index]!.error = outcome;
    } else {
      prepared.push(outcome);
    }
  });
  if (prepared.length === 0) {
    return results;
  }
  await deps.db.withTransaction(async (tx) => {
    await new IdentityStore(tx).lockForResolution(prepared.flatMap((p) => p.identities));
    const stored: Customer[] = [];
    for (const item of prepared) {
      try {
        const outcome = await inSavepoint(tx, () => writeCustomer(tx, item, deps.suppressionKeys));
        Object.assign(results[item.index]!, {
          status: outcome.created ? ItemStatus.CREATED : ItemStatus.UPDATED,
          id: outcome.customer.id,
        });
        stored.push(outcome.customer);
      } catch (error) {
        results[item.index]!.error = rejection(error, item.index, logger);
      }
    }
    return stored;
  });
  deps.relay.wake();
  return results;
}

/** What to report for an item that failed; an unexpected failure is logged, not shown. */
function rejection(error: unknown, index: number, logger: Logger): ItemError {
  if (error instanceof ItemRejected) {
    return error.error;
  }
  return itemFailure(error, 'customer', logger, index);
}

function prepareCustomer(
  input: UpsertCustomerInput,
  index: number,
  vocabulary: IdentityVocabulary,
): PreparedCustomer | ItemError {
  const invalid = validationFailure(input);
  if (invalid !== null) {
    return { code: ErrorCode.BAD_USER_INPUT, message: invalid };
  }
  const interests = input.traits?.['interests'] ?? [];
  if (!Array.isArray(interests) || !interests.every((item) => typeof item === 'string')) {
    return {
      code: ErrorCode.BAD_USER_INPUT,
      message: 'traits.interests must be a list of strings',
    };
  }
  const identities: IdentityKey[] = [];
  for (const identity of input.identities ?? []) {
    const key = vocabulary.keyOf(identity.type, identity.value, identity.customType);
    if (!key.ok) {
      return { code: ErrorCode.BAD_USER_INPUT, message: `identities: ${key.reason}` };
    }
    identities.push(key.key);
  }
  return { index, input, identities };
}

async function writeCustomer(
  tx: Queryable,
  item: PreparedCustomer,
  suppressionKeys: SuppressionKeys,
): Promise<{ customer: Customer; created: boolean }> {
  const customers = new CustomerStore(tx);
  const identities = new IdentityStore(tx);
  const owners = await identities.findOwners(item.identities);
  const ownerIds = [...new Set(owners.values())];
  const targetId =
    item.input.id != null
      ? await customers.survivorOf(item.input.id.toLowerCase())
      : await customers.oldestOf(ownerIds);
  const saved = await customers.upsert({
    id: targetId,
    displayName: item.input.displayName,
    email: item.input.email ?? null,
    traits: item.input.traits ?? {},
    traitsMode: item.input.traitsMode ?? TraitsMode.MERGE,
    interestKeywords: normalizeKeywords(item.input.interestKeywords),
  });
  const survivorId = saved.customer.id;
  const outbox: OutboxMessage[] = [];
  const mergedIds = ownerIds.filter((id) => id !== survivorId);
  for (const ownerId of mergedIds) {
    outbox.push(...(await mergeCustomerInto(tx, ownerId, survivorId, 'identity_conflict')));
  }
  for (const identity of item.identities) {
    if (!owners.has(`${identity.type}:${identity.value}`)) {
      await identities.attach(identity, survivorId);
    }
  }
  // Checked after the writes, not before: a write that had to wait for an erasure in progress
  // (for the customer's row, or an identity it deleted) sees that erasure's suppressions now,
  // so no race brings an erased customer back. A rejection rolls the item back.
  await assertNotErased(tx, item, survivorId, suppressionKeys);
  outbox.push(
    CustomerUpserted.message({ id: survivorId, displayName: saved.customer.displayName }),
  );
  await new OutboxStore(tx).add(outbox);
  // Merged traits may have joined the profile; return what is stored now.
  const [customer] = mergedIds.length > 0 ? await customers.findByIds([survivorId]) : [];
  return { customer: customer ?? saved.customer, created: saved.created };
}

/**
 * Rejects the item (SUPPRESSED) when it names an erased customer: by the id it landed on or
 * was given, by one of its identities, or by its contact e-mail.
 */
async function assertNotErased(
  tx: Queryable,
  item: PreparedCustomer,
  landedOn: string,
  suppressionKeys: SuppressionKeys,
): Promise<void> {
  const given = item.input.id?.toLowerCase() ?? null;
  const erased = await new ErasedCustomerStore(tx).findErased(
    given === null ? [landedOn] : [given, landedOn],
  );
  if (erased.size > 0) {
    throw new ItemRejected({
      code: ErrorCode.SUPPRESSED,
      message: `customer ${item.input.id ?? landedOn} was erased and cannot be written again`,
    });
  }
  const email = item.input.email != null ? contactEmailKey(item.input.email) : null;
  const [suppressed] = await new SuppressionStore(tx, suppressionKeys).findSuppressed(
    email === null ? item.identities : [...item.identities, email],
  );
  if (suppressed !== undefined) {
    throw new ItemRejected({
      code: ErrorCode.SUPPRESSED,
      message:
        suppressed === email
          ? 'the e-mail address belongs to an erased customer and cannot be used again'
          : `the ${suppressed.type} identity belongs to an erased customer and cannot be used again`,
    });
  }
}
