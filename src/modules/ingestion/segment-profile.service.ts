import { ErrorCode, GatewayError } from '../../errors.js';
import { type OutboxMessage, OutboxStore } from '../../outbox/outbox.store.js';
import { CustomerStore } from '../customer/customer.store.js';
import { CustomerUpserted } from '../customer/customer.topics.js';
import { type IdentityWriteDeps, lockOwners } from '../identity/identity.service.js';
import { type IdentityKey, IdentityStore } from '../identity/identity.store.js';
import { mergeCustomerInto } from '../identity/merge.service.js';
import { SuppressionStore } from '../privacy/suppression.store.js';

/** What one identify, group or alias call (or a call naming two ids) does to profiles. */
export interface ProfileLink {
  /** Known identities first: the first one held by a customer decides who survives. */
  identities: readonly IdentityKey[];
  /** Replaces the stored name when given; null keeps it. */
  displayName: string | null;
  /** Merged into the stored traits (shallow: each given key replaces its stored value). */
  traits: Record<string, unknown> | null;
}

/** The customer a link left standing. */
export interface LinkedProfile {
  customerId: string;
  created: boolean;
  mergedCustomerIds: string[];
}

/**
 * Segment's identity resolution: every identity of one call belongs to one person. The
 * customer holding the first held identity of the list (the known one, as `identify` keeps it)
 * survives; any other customer holding one of them is merged into it (cause `identify`);
 * identities nobody holds are attached; with none held, one new customer gets them all. Then
 * the name and traits are merged into the profile. One transaction, under all identities'
 * locks, so concurrent calls agree on one survivor.
 *
 * @throws GatewayError SUPPRESSED when an identity belongs to an erased customer (nothing is
 * written).
 */
export async function linkProfile(
  deps: IdentityWriteDeps,
  link: ProfileLink,
): Promise<LinkedProfile> {
  const linked = await deps.db.withTransaction(async (tx) => {
    const identities = new IdentityStore(tx);
    await identities.lockForResolution(link.identities);
    const suppressed = await new SuppressionStore(tx, deps.suppressionKeys).findSuppressed(
      link.identities,
    );
    if (suppressed.length > 0) {
      throw new GatewayError(
        ErrorCode.SUPPRESSED,
        'an identity belongs to an erased customer and cannot be used again',
      );
    }
    const owners = await lockOwners(tx, link.identities);
    const ownerOf = (key: IdentityKey) => owners.get(`${key.type}:${key.value}`);
    const held = link.identities.map(ownerOf).filter((id): id is string => id !== undefined);
    const outbox: OutboxMessage[] = [];
    let customerId: string;
    let created = false;
    if (held[0] === undefined) {
      const resolved = await identities.resolveOrCreate(link.identities[0]!);
      customerId = resolved.customerId;
      created = resolved.created !== null;
    } else {
      customerId = held[0];
    }
    const mergedCustomerIds = [...new Set(held)].filter((id) => id !== customerId);
    for (const mergedId of mergedCustomerIds) {
      outbox.push(...(await mergeCustomerInto(tx, mergedId, customerId, 'identify')));
    }
    for (const key of link.identities) {
      if (ownerOf(key) === undefined && !(created && key === link.identities[0])) {
        await identities.attach(key, customerId);
      }
    }
    const displayName = await new CustomerStore(tx).mergeProfile(
      customerId,
      link.displayName,
      link.traits,
    );
    outbox.push(CustomerUpserted.message({ id: customerId, displayName }));
    await new OutboxStore(tx).add(outbox);
    return { customerId, created, mergedCustomerIds };
  });
  deps.relay.wake();
  return linked;
}
