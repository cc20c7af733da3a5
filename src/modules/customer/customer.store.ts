import type { Queryable } from '../../datasources/postgres.js';
import type { IdentityKey } from '../identity/identity.store.js';
import { TraitsMode } from './customer.kinds.js';
import type { Customer } from './customer.type.js';

interface CustomerRow {
  id: string;
  display_name: string;
  email: string | null;
  traits: Record<string, unknown>;
  interest_keywords: string[];
  created_at: Date;
  updated_at: Date;
}

export interface CustomerWrite {
  id: string | null;
  displayName: string;
  email: string | null;
  traits: Record<string, unknown>;
  /** MERGE patches the stored traits (null values remove their keys); REPLACE overwrites them. */
  traitsMode: TraitsMode;
  interestKeywords: string[];
}

const COLUMNS = 'id, display_name, email, traits, interest_keywords, created_at, updated_at';

/** Sort columns by order; the only names that reach the listing statement. */
const ORDER_COLUMNS = { CREATED_DESC: 'created_at', UPDATED_DESC: 'updated_at' } as const;

export interface CustomerListQuery {
  order: keyof typeof ORDER_COLUMNS;
  traits: Record<string, unknown> | null;
  identity: IdentityKey | null;
  hasIdentityType: string | null;
  nameContains: string | null;
  createdFrom: Date | null;
  createdTo: Date | null;
  updatedFrom: Date | null;
  updatedTo: Date | null;
  /** Keyset position: customers strictly after this one in the order (time in µs, id). */
  after: { orderUs: string; id: string } | null;
  limit: number;
}

export interface ListedCustomer {
  customer: Customer;
  /** The order's time in µs since the epoch (a JS Date would drop the µs) and the id. */
  cursorKey: [string, string];
}

/** PostgreSQL access for customer profiles and their embeddings. */
export class CustomerStore {
  constructor(private readonly db: Queryable) {}

  async findByIds(ids: readonly string[]): Promise<Customer[]> {
    const { rows } = await this.db.query<CustomerRow>(
      /* sql */ `/* customer.findByIds */
      SELECT ${COLUMNS} FROM customers WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return rows.map(toCustomer);
  }

  /**
   * Customers by id, where an id merged into another customer resolves to its survivor
   * (`requestedId` says which id was asked for). One statement however many ids.
   */
  async resolveByIds(
    ids: readonly string[],
  ): Promise<{ requestedId: string; customer: Customer }[]> {
    const { rows } = await this.db.query<CustomerRow & { requested_id: string }>(
      /* sql */ `/* customer.resolveByIds */
      SELECT r.requested_id, c.id, c.display_name, c.email, c.traits, c.interest_keywords,
             c.created_at, c.updated_at
      FROM unnest($1::uuid[]) AS r(requested_id)
      LEFT JOIN customer_merges m ON m.merged_id = r.requested_id
      JOIN customers c ON c.id = COALESCE(m.survivor_id, r.requested_id)`,
      [ids],
    );
    return rows.map((row) => ({ requestedId: row.requested_id, customer: toCustomer(row) }));
  }

  /** Ids that were merged into each given survivor, oldest merge first. */
  async listMergedIdsBySurvivorIds(
    survivorIds: readonly string[],
  ): Promise<{ survivorId: string; mergedId: string }[]> {
    const { rows } = await this.db.query<{ survivor_id: string; merged_id: string }>(
      /* sql */ `/* customer.listMergedIdsBySurvivorIds */
      SELECT survivor_id, merged_id FROM customer_merges
      WHERE survivor_id = ANY($1::uuid[]) ORDER BY merged_at, merged_id`,
      [survivorIds],
    );
    return rows.map((row) => ({ survivorId: row.survivor_id, mergedId: row.merged_id }));
  }

  /**
   * One page of customers matching every condition given, newest (by the order's time) first.
   * One statement; the conditions not given fold away when PostgreSQL plans it.
   */
  async listPage(query: CustomerListQuery): Promise<ListedCustomer[]> {
    const column = ORDER_COLUMNS[query.order];
    const { rows } = await this.db.query<CustomerRow & { order_us: string }>(
      /* sql */ `/* customer.listPage */
      SELECT ${COLUMNS}, (extract(epoch FROM ${column}) * 1000000)::bigint::text AS order_us
      FROM customers c
      WHERE ($1::jsonb IS NULL OR c.traits @> $1::jsonb)
        AND ($2::text IS NULL OR EXISTS (
              SELECT 1 FROM identities i WHERE i.customer_id = c.id AND i.type = $2 AND i.value = $3))
        AND ($4::text IS NULL OR EXISTS (
              SELECT 1 FROM identities i WHERE i.customer_id = c.id AND i.type = $4))
        AND ($5::text IS NULL OR c.display_name ILIKE '%' || $5 || '%')
        AND ($6::timestamptz IS NULL OR c.created_at >= $6)
        AND ($7::timestamptz IS NULL OR c.created_at < $7)
        AND ($8::timestamptz IS NULL OR c.updated_at >= $8)
        AND ($9::timestamptz IS NULL OR c.updated_at < $9)
        AND ($10::bigint IS NULL
             OR (c.${column}, c.id) < ('epoch'::timestamptz + $10::bigint * interval '1 microsecond', $11::uuid))
      ORDER BY c.${column} DESC, c.id DESC
      LIMIT $12`,
      [
        query.traits === null ? null : JSON.stringify(query.traits),
        query.identity?.type ?? null,
        query.identity?.value ?? null,
        query.hasIdentityType,
        query.nameContains === null ? null : escapeLike(query.nameContains),
        query.createdFrom,
        query.createdTo,
        query.updatedFrom,
        query.updatedTo,
        query.after?.orderUs ?? null,
        query.after?.id ?? null,
        query.limit,
      ],
    );
    return rows.map((row) => ({ customer: toCustomer(row), cursorKey: [row.order_us, row.id] }));
  }

  async count(): Promise<number> {
    const { rows } = await this.db.query<{ count: string }>(
      `/* customer.count */ SELECT count(*) AS count FROM customers`,
    );
    return Number(rows[0]?.count ?? 0);
  }

  /**
   * Inserts or updates a profile; under MERGE the traits are patched in the same statement
   * (`stored || given`, minus the keys given as null), so concurrent patches of different keys
   * both land. (Its preference vector is the recommendation module's: it
   * follows `graph.customer.upserted`.)
   *
   * @returns the stored profile, and whether this call created it.
   */
  async upsert(write: CustomerWrite): Promise<{ customer: Customer; created: boolean }> {
    const merge = write.traitsMode === TraitsMode.MERGE;
    const removedKeys = Object.keys(write.traits).filter((key) => write.traits[key] === null);
    const { rows } = await this.db.query<CustomerRow & { created: boolean }>(
      /* sql */ `/* customer.upsert */
      WITH saved AS (
        INSERT INTO customers (id, display_name, email, traits, interest_keywords)
        VALUES (COALESCE($1::uuid, gen_random_uuid()), $2, $3, $4::jsonb - $6::text[], $5::text[])
        ON CONFLICT ON CONSTRAINT customers_pkey DO UPDATE
          SET display_name = EXCLUDED.display_name,
              email = EXCLUDED.email,
              traits = CASE WHEN $7::boolean
                THEN (customers.traits || EXCLUDED.traits) - $6::text[]
                ELSE EXCLUDED.traits END,
              interest_keywords = EXCLUDED.interest_keywords,
              updated_at = now()
        RETURNING ${COLUMNS}, xmax = 0 AS created
      )
      SELECT ${COLUMNS}, created FROM saved`,
      [
        write.id,
        write.displayName,
        write.email,
        JSON.stringify(write.traits),
        write.interestKeywords,
        merge ? removedKeys : [],
        merge,
      ],
    );
    return { customer: toCustomer(rows[0]!), created: rows[0]!.created };
  }

  /**
   * The id a write to `id` should land on: the survivor when `id` was merged away, else `id`
   * itself (which may not exist yet: upserts create customers with the id they are given).
   */
  async survivorOf(id: string): Promise<string> {
    const { rows } = await this.db.query<{ survivor_id: string }>(
      `/* customer.survivorOf */ SELECT survivor_id FROM customer_merges WHERE merged_id = $1`,
      [id],
    );
    return rows[0]?.survivor_id ?? id;
  }

  /** Of the given customers, the one created first (ties by id), or null when none exist. */
  async oldestOf(ids: readonly string[]): Promise<string | null> {
    const { rows } = await this.db.query<{ id: string }>(
      /* sql */ `/* customer.oldestOf */
      SELECT id FROM customers WHERE id = ANY($1::uuid[]) ORDER BY created_at, id LIMIT 1`,
      [ids],
    );
    return rows[0]?.id ?? null;
  }
  /**
   * Applies what identify learnt: a display name (kept when null) and traits merged over the
   * stored ones. Returns the display name now stored.
   */
  async mergeProfile(
    id: string,
    displayName: string | null,
    traits: Record<string, unknown> | null,
  ): Promise<string> {
    const { rows } = await this.db.query<{ display_name: string }>(
      /* sql */ `/* customer.mergeProfile */
      UPDATE customers
      SET display_name = COALESCE($2, display_name), traits = traits || COALESCE($3::jsonb, '{}'::jsonb), updated_at = now()
      WHERE id = $1
      RETURNING display_name`,
      [id, displayName, traits ? JSON.stringify(traits) : null],
    );
    return rows[0]!.display_name;
  }

  /**
   * Locks the customer an id names now (itself, or the survivor it was merged into) FOR
   * UPDATE, and returns that customer's id, or null when there is none.
   */
  async lockCurrent(id: string): Promise<string | null> {
    const { rows } = await this.db.query<{ id: string }>(
      /* sql */ `/* customer.lockCurrent */
      SELECT c.id FROM customers c
      WHERE c.id = COALESCE((SELECT survivor_id FROM customer_merges WHERE merged_id = $1), $1)
      FOR UPDATE`,
      [id],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * The customers the given ids name now (themselves, or the survivors they were merged into),
   * keyed by requested id, locked FOR SHARE in id order: an erasure in progress finishes
   * before this answers (and its customers are then missing), and one that starts later waits
   * for the caller's transaction. Ids that name no customer are left out.
   */
  async shareLockCurrent(ids: readonly string[]): Promise<Map<string, string>> {
    const { rows } = await this.db.query<{ requested_id: string; id: string }>(
      /* sql */ `/* customer.shareLockCurrent */
      SELECT r.requested_id, c.id
      FROM unnest($1::uuid[]) AS r(requested_id)
      LEFT JOIN customer_merges m ON m.merged_id = r.requested_id
      JOIN customers c ON c.id = COALESCE(m.survivor_id, r.requested_id)
      ORDER BY c.id
      FOR SHARE OF c`,
      [ids],
    );
    return new Map(rows.map((row) => [row.requested_id, row.id]));
  }

  /** Deletes a customer; identities, events, consent and merge records cascade. */
  async delete(id: string): Promise<void> {
    await this.db.query(`/* customer.delete */ DELETE FROM customers WHERE id = $1`, [id]);
  }
}

/** `%` and `_` in a search text mean themselves, not wildcards. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function toCustomer(row: CustomerRow): Customer {
  return {
    id: row.id,
    displayName: row.display_name,
    email: row.email,
    traits: row.traits,
    interestKeywords: row.interest_keywords,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
