import { randomUUID } from 'node:crypto';

import type { Queryable } from '../../datasources/postgres.js';
import { fromStoredType, type StoredIdentityKey } from './identity.normalize.js';
import type { Identity } from './identity.type.js';

interface IdentityRow {
  customer_id: string;
  type: string;
  value: string;
  created_at: Date;
}

export interface CustomerIdentity extends Identity {
  customerId: string;
}

/**
 * A normalised identity as stored (see identity.normalize.ts): `type` is a built-in kind's
 * value (`email`) or a configured custom kind's name.
 */
export type IdentityKey = StoredIdentityKey;

/** PostgreSQL access for identities and identity resolution. */
export class IdentityStore {
  constructor(private readonly db: Queryable) {}

  async listByCustomerIds(customerIds: readonly string[]): Promise<CustomerIdentity[]> {
    const { rows } = await this.db.query<IdentityRow>(
      /* sql */ `/* identity.listByCustomerIds */
      SELECT customer_id, type, value, created_at FROM identities
      WHERE customer_id = ANY($1::uuid[])
      ORDER BY customer_id, created_at, type, value`,
      [customerIds],
    );
    return rows.map((row) => ({
      customerId: row.customer_id,
      ...fromStoredType(row.type),
      value: row.value,
      createdAt: row.created_at,
    }));
  }

  async findCustomerId(identity: IdentityKey): Promise<string | null> {
    const { rows } = await this.db.query<{ customer_id: string }>(
      /* sql */ `/* identity.findCustomerId */
      SELECT customer_id FROM identities WHERE type = $1 AND value = $2`,
      [identity.type, identity.value],
    );
    return rows[0]?.customer_id ?? null;
  }

  /** The owner of each given identity that has one, keyed `type:value`; one statement. */
  async findOwners(identities: readonly IdentityKey[]): Promise<Map<string, string>> {
    const { rows } = await this.db.query<{ type: string; value: string; customer_id: string }>(
      /* sql */ `/* identity.findOwners */
      SELECT i.type, i.value, i.customer_id
      FROM identities i JOIN unnest($1::text[], $2::text[]) AS k(t, v) ON i.type = k.t AND i.value = k.v`,
      [identities.map((i) => i.type), identities.map((i) => i.value)],
    );
    return new Map(rows.map((row) => [`${row.type}:${row.value}`, row.customer_id]));
  }

  /** Gives `customerId` an identity nobody holds; call under {@link lockForResolution}. */
  async attach(identity: IdentityKey, customerId: string): Promise<void> {
    await this.db.query(
      `/* identity.attach */ INSERT INTO identities (type, value, customer_id) VALUES ($1, $2, $3)`,
      [identity.type, identity.value, customerId],
    );
  }

  /**
   * Takes transaction-scoped advisory locks on the given identities, in one sorted order, so
   * that concurrent writers resolving overlapping identities neither create a customer twice
   * nor deadlock. Must run inside a transaction; the locks end with it.
   */
  async lockForResolution(identities: readonly IdentityKey[]): Promise<void> {
    await this.db.query(
      /* sql */ `/* identity.lockForResolution */
      SELECT pg_advisory_xact_lock(k)
      FROM (SELECT DISTINCT hashtextextended(t || ':' || v, 360) AS k FROM unnest($1::text[], $2::text[]) AS u(t, v)) keys
      ORDER BY k`,
      [identities.map((i) => i.type), identities.map((i) => i.value)],
    );
  }

  /**
   * As {@link lockForResolution}, but shared for the identities the caller only reads (their
   * owner is known): concurrent writers of events for one customer then go on side by side,
   * while anything that moves or creates an identity (an exclusive lock) waits for them, and
   * they for it. Exclusive for `exclusive[i]`. One statement, one sorted order over both kinds,
   * so no two callers deadlock; an identity listed twice takes the stronger lock.
   */
  async lockForTracking(identities: readonly IdentityKey[], exclusive: readonly boolean[]) {
    await this.db.query(
      /* sql */ `/* identity.lockForTracking */
      SELECT CASE WHEN x THEN pg_advisory_xact_lock(k) ELSE pg_advisory_xact_lock_shared(k) END
      FROM (
        SELECT hashtextextended(t || ':' || v, 360) AS k, bool_or(x) AS x
        FROM unnest($1::text[], $2::text[], $3::boolean[]) AS u(t, v, x)
        GROUP BY 1
      ) keys
      ORDER BY k`,
      [identities.map((i) => i.type), identities.map((i) => i.value), exclusive],
    );
  }

  /**
   * Creates one customer per identity (none may have an owner), each holding that identity, in
   * one statement. Call under exclusive {@link lockForTracking} locks on them.
   *
   * @returns the new customers, in the order of `identities`.
   */
  async createCustomersWithIdentities(
    identities: readonly IdentityKey[],
  ): Promise<{ customerId: string; displayName: string }[]> {
    // Ids chosen here, so each new customer is known to belong to its identity without relying
    // on the order RETURNING reports rows in.
    const created = identities.map((identity) => ({
      customerId: randomUUID(),
      displayName: placeholderName(identity.type),
    }));
    await this.db.query(
      /* sql */ `/* identity.createCustomersWithIdentities */
      WITH k AS (
        SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS k(id, name, t, v)
      ), customer AS (
        INSERT INTO customers (id, display_name) SELECT id, name FROM k RETURNING id
      )
      INSERT INTO identities (type, value, customer_id)
      SELECT k.t, k.v, customer.id FROM k JOIN customer USING (id)`,
      [
        created.map((c) => c.customerId),
        created.map((c) => c.displayName),
        identities.map((i) => i.type),
        identities.map((i) => i.value),
      ],
    );
    return created;
  }

  /**
   * The customer owning `identity`, created (with the identity) when there is none. Call only
   * after {@link lockForResolution} for this identity in the same transaction.
   */
  async resolveOrCreate(
    identity: IdentityKey,
  ): Promise<
    { customerId: string; created: null } | { customerId: string; created: { displayName: string } }
  > {
    const existing = await this.findCustomerId(identity);
    if (existing !== null) {
      return { customerId: existing, created: null };
    }
    const displayName = placeholderName(identity.type);
    const { rows } = await this.db.query<{ id: string }>(
      /* sql */ `/* identity.createCustomerWithIdentity */
      WITH customer AS (
        INSERT INTO customers (display_name) VALUES ($3) RETURNING id
      )
      INSERT INTO identities (type, value, customer_id)
      SELECT $1, $2, id FROM customer
      RETURNING customer_id AS id`,
      [identity.type, identity.value, displayName],
    );
    return { customerId: rows[0]!.id, created: { displayName } };
  }
  /** The stored keys of one customer's identities (for suppression on erasure). */
  async listKeysByCustomerId(customerId: string): Promise<IdentityKey[]> {
    const { rows } = await this.db.query<IdentityKey>(
      `/* identity.listKeysByCustomerId */ SELECT type, value FROM identities WHERE customer_id = $1`,
      [customerId],
    );
    return rows;
  }
}

/** A customer first seen through an event has no name yet; never copy the identifier into it. */
function placeholderName(type: string): string {
  return type === 'anonymous_id' || type === 'device_id' ? 'Anonymous visitor' : 'Unnamed customer';
}
