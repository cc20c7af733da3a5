import { ErrorCode, GatewayError } from '../../errors.js';
import { ChangeFeedStore } from '../../changefeed/change-feed.store.js';
import { OutboxStore } from '../../outbox/outbox.store.js';
import { AuditAction } from '../access/access.kinds.js';
import type { Actor } from '../access/api-key.service.js';
import { AuditStore } from '../access/audit.store.js';
import { CustomerStore } from '../customer/customer.store.js';
import { EventStore } from '../event/event.store.js';
import { type IdentityKey, IdentityStore } from '../identity/identity.store.js';
import type { WriteDeps } from '../module.js';
import { RelationshipStore } from '../relationship/relationship.store.js';
import { CustomerErased } from './privacy.topics.js';
import type { Erasure } from './erasure.type.js';
import { ErasedCustomerStore } from './erased-customer.store.js';
import { contactEmailKey, type SuppressionKeys } from './suppression-keys.js';
import { SuppressionStore } from './suppression.store.js';

/** What an erasure needs: a transaction, the keys of suppressions, the relay's doorbell. */
export type ErasureDeps = WriteDeps & { suppressionKeys: SuppressionKeys };

/**
 * Erases a customer from PostgreSQL in one transaction — profile, identities, events, consent,
 * embedding, merge records (foreign keys cascade) — and queues the removal of their graph node
 * (relatives keep theirs). A merged id erases the person it now resolves to. What stays is
 * what keeps them erased: keyed hashes of their identities and contact e-mail, so re-ingested
 * events are dropped and no write attaches them again, and their ids (their own and those
 * merged into them), which no write may use again. The audit entry is written in the same
 * transaction: no erasure without its record.
 *
 * @throws GatewayError NOT_FOUND when no customer has (or had) this id.
 */
export async function eraseCustomer(
  deps: ErasureDeps,
  requestedId: string,
  actor: Actor,
): Promise<Erasure> {
  const erasure = await deps.db.withTransaction(async (tx) => {
    const customers = new CustomerStore(tx);
    const customerId = await customers.lockCurrent(requestedId);
    if (customerId === null) {
      throw new GatewayError(ErrorCode.NOT_FOUND, `no customer with id ${requestedId}`, {
        extensions: { argument: 'id' },
      });
    }
    const [profile] = await customers.findByIds([customerId]);
    const identities = withContactEmail(
      await new IdentityStore(tx).listKeysByCustomerId(customerId),
      profile?.email ?? null,
    );
    const mergedIds = await customers.listMergedIdsBySurvivorIds([customerId]);
    const erasedEvents = await new EventStore(tx).countByCustomerId(customerId);
    await new SuppressionStore(tx, deps.suppressionKeys).add(identities);
    await new ErasedCustomerStore(tx).add([customerId, ...mergedIds.map((m) => m.mergedId)]);
    // Read before the delete takes their links with them.
    const relatives = await new RelationshipStore(tx).relativeIdsOf(customerId);
    await customers.delete(customerId);
    // What the feed recorded about them (segments entered, why) goes too; the relay then
    // writes their exits from every segment and ERASED, so followers learn of it.
    await new ChangeFeedStore(tx).forget([customerId, ...mergedIds.map((m) => m.mergedId)]);
    await new OutboxStore(tx).add([CustomerErased.message({ id: customerId, relatives })]);
    const removed = {
      customerId,
      suppressedIdentities: identities.length,
      erasedEvents,
    };
    await new AuditStore(tx).append({
      action: AuditAction.CUSTOMER_ERASED,
      keyId: actor.keyId,
      subjectIds: [customerId],
      requestId: actor.requestId,
      details: {
        requestedId,
        suppressedIdentities: removed.suppressedIdentities,
        erasedEvents: removed.erasedEvents,
      },
    });
    return removed;
  });
  deps.relay.wake();
  return erasure;
}

/** The identities to suppress: every identity, and the contact e-mail unless it is one. */
function withContactEmail(identities: IdentityKey[], email: string | null): IdentityKey[] {
  if (email === null) {
    return identities;
  }
  const contact = contactEmailKey(email);
  const known = identities.some((i) => i.type === contact.type && i.value === contact.value);
  return known ? identities : [...identities, contact];
}
