import type { Services } from '../../context.js';
import { ErrorCode, GatewayError } from '../../errors.js';
import { OutboxStore } from '../../outbox/outbox.store.js';
import { AuditAction } from '../access/access.type.js';
import type { Actor } from '../access/api-key.service.js';
import { AuditStore } from '../access/audit.store.js';
import type { IdentityKey } from '../identity/identity.store.js';
import type { Erasure } from './erasure.type.js';
import { SuppressionStore } from './suppression.store.js';

/**
 * Erases a customer from PostgreSQL in one transaction — profile, identities, events, consent,
 * embedding, merge records (foreign keys cascade) — keeps only hashes of their identities so
 * re-ingested events are dropped, and queues the removal of their graph node (relatives keep
 * theirs). A merged id erases the person it now resolves to. The audit entry is written in the
 * same transaction: no erasure without its record.
 *
 * @throws GatewayError NOT_FOUND when no customer has (or had) this id.
 */
export async function eraseCustomer(
  services: Services,
  requestedId: string,
  actor: Actor,
): Promise<Erasure> {
  const erasure = await services.db.withTransaction(async (tx) => {
    const { rows } = await tx.query<{ id: string }>(
      /* sql */ `/* erasure.lockSubject */
      SELECT c.id FROM customers c
      WHERE c.id = COALESCE((SELECT survivor_id FROM customer_merges WHERE merged_id = $1), $1)
      FOR UPDATE`,
      [requestedId],
    );
    const customerId = rows[0]?.id;
    if (customerId === undefined) {
      throw new GatewayError(ErrorCode.NOT_FOUND, `no customer with id ${requestedId}`, {
        extensions: { argument: 'id' },
      });
    }
    const identities = await tx.query<IdentityKey>(
      `/* erasure.listIdentities */ SELECT type, value FROM identities WHERE customer_id = $1`,
      [customerId],
    );
    const events = await tx.query<{ n: string }>(
      `/* erasure.countEvents */ SELECT count(*) AS n FROM events WHERE customer_id = $1`,
      [customerId],
    );
    await new SuppressionStore(tx).add(identities.rows);
    await tx.query(`/* erasure.deleteCustomer */ DELETE FROM customers WHERE id = $1`, [
      customerId,
    ]);
    await new OutboxStore(tx).add([
      { topic: 'graph.customer.erased', payload: { id: customerId } },
    ]);
    const removed = {
      customerId,
      suppressedIdentities: identities.rows.length,
      erasedEvents: Number(events.rows[0]!.n),
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
  services.relay.wake();
  return erasure;
}
