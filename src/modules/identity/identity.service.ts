import type { Queryable } from '../../datasources/postgres.js';
import { ErrorCode, GatewayError } from '../../errors.js';
import { type OutboxMessage, OutboxStore } from '../../outbox/outbox.store.js';
import { CustomerStore } from '../customer/customer.store.js';
import { CustomerUpserted } from '../customer/customer.topics.js';
import type { WriteDeps } from '../module.js';
import { ErasedCustomerStore } from '../privacy/erased-customer.store.js';
import type { SuppressionKeys } from '../privacy/suppression-keys.js';
import { SuppressionStore } from '../privacy/suppression.store.js';
import type { IdentifyInput } from './identity.inputs.js';
import type { IdentityVocabulary, KeyResult } from './identity.normalize.js';
import { type IdentityKey, IdentityStore } from './identity.store.js';
import { type CustomerResolution } from './identity.type.js';
import { IdentityType } from './identity.kinds.js';
import { mergeCustomerInto } from './merge.service.js';
import { type MergeCause, type MergeProvenance, MergeStore } from './merge.store.js';

/**
 * What identity writes need: a transaction, the vocabulary, the keys of erasure suppressions,
 * the relay's doorbell.
 */
export type IdentityWriteDeps = WriteDeps & {
  vocabulary: IdentityVocabulary;
  suppressionKeys: SuppressionKeys;
};

/**
 * Links an anonymous visitor to the identity they are now known by. Whoever holds the known
 * identity survives; a different customer holding the anonymous id is merged into them
 * (identities, events and consent move; the old id keeps resolving). With neither held, one
 * new customer gets both. Runs in one transaction under both identities' locks, so concurrent
 * calls agree on one survivor, and under their owners' row locks (see {@link lockOwners} and
 * MergeStore.merge), so an event for any other identity of the merged customer is not lost.
 *
 * @throws GatewayError BAD_USER_INPUT for a malformed identity or an anonymous "known" one.
 */
export async function identify(
  deps: IdentityWriteDeps,
  input: IdentifyInput,
): Promise<CustomerResolution> {
  const vocabulary = deps.vocabulary;
  const anonymous = keyOrThrow(
    vocabulary.keyOf(IdentityType.ANONYMOUS_ID, input.anonymousId),
    'anonymousId',
  );
  if (input.identity.type === IdentityType.ANONYMOUS_ID) {
    throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'identity must not be an anonymous id', {
      extensions: { argument: 'identity' },
    });
  }
  const known = keyOrThrow(
    vocabulary.keyOf(input.identity.type, input.identity.value, input.identity.customType),
    'identity.value',
  );
  const result = await deps.db.withTransaction(async (tx) => {
    const identities = new IdentityStore(tx);
    const outbox: OutboxMessage[] = [];
    await identities.lockForResolution([anonymous, known]);
    const suppressed = await new SuppressionStore(tx, deps.suppressionKeys).findSuppressed([
      anonymous,
      known,
    ]);
    if (suppressed.length > 0) {
      throw new GatewayError(
        ErrorCode.SUPPRESSED,
        'an identity belongs to an erased customer and cannot be used again',
      );
    }
    const owners = await lockOwners(tx, [anonymous, known]);
    const ownerOf = (key: IdentityKey) => owners.get(`${key.type}:${key.value}`) ?? null;
    const [anonymousOwner, knownOwner] = [ownerOf(anonymous), ownerOf(known)];
    let resolution: CustomerResolution;
    if (knownOwner !== null) {
      resolution = { customerId: knownOwner, mergedCustomerIds: [], created: false };
      if (anonymousOwner === null) {
        await identities.attach(anonymous, knownOwner);
      } else if (anonymousOwner !== knownOwner) {
        await mergeInto(tx, anonymousOwner, knownOwner, 'identify', outbox);
        resolution.mergedCustomerIds.push(anonymousOwner);
      }
    } else {
      const resolved = await identities.resolveOrCreate(anonymous);
      await identities.attach(known, resolved.customerId);
      resolution = {
        customerId: resolved.customerId,
        mergedCustomerIds: [],
        created: resolved.created !== null,
      };
    }
    const profile = await new CustomerStore(tx).mergeProfile(
      resolution.customerId,
      input.displayName ?? null,
      input.traits ?? null,
    );
    outbox.push(CustomerUpserted.message({ id: resolution.customerId, displayName: profile }));
    await new OutboxStore(tx).add(outbox);
    return resolution;
  });
  deps.relay.wake();
  return result;
}

/**
 * Merges `mergedId` into `survivorId` on an operator's word.
 *
 * @throws GatewayError BAD_USER_INPUT when both are the same customer, SUPPRESSED for an
 * erased one (an erased customer is never merged into, nor out of the way), NOT_FOUND for an
 * unknown (or already merged) id.
 */
export async function mergeCustomers(
  deps: WriteDeps,
  survivorId: string,
  mergedId: string,
  apiKeyId: string | null = null,
): Promise<CustomerResolution> {
  if (survivorId === mergedId) {
    throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'a customer cannot be merged into itself', {
      extensions: { argument: 'mergedId' },
    });
  }
  await deps.db.withTransaction(async (tx) => {
    const found = await new MergeStore(tx).lockCustomers([survivorId, mergedId]);
    const missing = [survivorId, mergedId].filter((id) => !found.has(id));
    // After the locks: an erasure that held one of them has committed its record by now.
    const erased = await new ErasedCustomerStore(tx).findErased(missing);
    for (const [argument, id] of [
      ['survivorId', survivorId],
      ['mergedId', mergedId],
    ] as const) {
      if (erased.has(id)) {
        throw new GatewayError(ErrorCode.SUPPRESSED, `customer ${id} was erased`, {
          extensions: { argument },
        });
      }
      if (!found.has(id)) {
        throw new GatewayError(ErrorCode.NOT_FOUND, `no customer with id ${id}`, {
          extensions: { argument },
        });
      }
    }
    const outbox: OutboxMessage[] = [];
    await mergeInto(tx, mergedId, survivorId, { cause: 'manual', apiKeyId }, outbox);
    await new OutboxStore(tx).add(outbox);
  });
  deps.relay.wake();
  return { customerId: survivorId, mergedCustomerIds: [mergedId], created: false };
}

/**
 * The owners of `keys` (keyed `type:value`), locked as {@link MergeStore.lockCustomers} locks
 * them and read again under those locks, until the two reads agree: a merge, unmerge or erasure
 * that moved one of these identities while a lock was awaited is seen, and none can move them
 * afterwards (each needs a lock that conflicts). So a caller merges and attaches to customers
 * that still hold the identities. Call under the identities' {@link
 * IdentityStore.lockForResolution} locks (nobody can give an unowned one an owner meanwhile).
 */
export async function lockOwners(
  tx: Queryable,
  keys: readonly IdentityKey[],
): Promise<Map<string, string>> {
  const identities = new IdentityStore(tx);
  let owners = await identities.findOwners(keys);
  for (;;) {
    await new MergeStore(tx).lockCustomers([...new Set(owners.values())]);
    const current = await identities.findOwners(keys);
    if (current.size === owners.size && [...current].every(([k, id]) => owners.get(k) === id)) {
      return current;
    }
    owners = current;
  }
}

async function mergeInto(
  tx: Queryable,
  mergedId: string,
  survivorId: string,
  cause: MergeCause | MergeProvenance,
  outbox: OutboxMessage[],
) {
  outbox.push(...(await mergeCustomerInto(tx, mergedId, survivorId, cause)));
}

function keyOrThrow(result: KeyResult, argument: string): IdentityKey {
  if (!result.ok) {
    throw new GatewayError(ErrorCode.BAD_USER_INPUT, result.reason, { extensions: { argument } });
  }
  return result.key;
}
