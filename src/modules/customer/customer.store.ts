import pgvector from 'pgvector';

import type { Queryable } from '../../datasources/postgres.js';
import { HASHED_EMBEDDING_MODEL } from '../../lib/hashed-embedding.js';
import type { Customer } from './customer.type.js';

interface CustomerRow {
  id: string;
  display_name: string;
  email: string | null;
  traits: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

export interface SimilarCustomerRow {
  customerId: string;
  similarId: string;
  score: number;
}

export interface CustomerWrite {
  id: string | null;
  displayName: string;
  email: string | null;
  traits: Record<string, unknown>;
  embedding: number[];
}

const COLUMNS = 'id, display_name, email, traits, created_at, updated_at';

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
      SELECT r.requested_id, c.id, c.display_name, c.email, c.traits, c.created_at, c.updated_at
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

  /** The newest customers first; a plain list until the Relay connection lands. */
  async listRecent(limit: number): Promise<Customer[]> {
    const { rows } = await this.db.query<CustomerRow>(
      /* sql */ `/* customer.listRecent */
      SELECT ${COLUMNS} FROM customers ORDER BY created_at DESC, id DESC LIMIT $1`,
      [limit],
    );
    return rows.map(toCustomer);
  }

  async count(): Promise<number> {
    const { rows } = await this.db.query<{ count: string }>(
      `/* customer.count */ SELECT count(*) AS count FROM customers`,
    );
    return Number(rows[0]?.count ?? 0);
  }

  /**
   * The `limit` nearest customers of each given customer by cosine distance of their
   * embeddings, for all of them in one statement (a LATERAL join per key, each served by the
   * HNSW index).
   */
  async listSimilarByCustomerIds(
    ids: readonly string[],
    limit: number,
  ): Promise<SimilarCustomerRow[]> {
    const { rows } = await this.db.query<{
      customer_id: string;
      similar_id: string;
      distance: number;
    }>(
      /* sql */ `/* customer.listSimilarByCustomerIds */
      SELECT me.customer_id, near.customer_id AS similar_id, near.distance
      FROM customer_embeddings me
      CROSS JOIN LATERAL (
        SELECT other.customer_id, other.embedding <=> me.embedding AS distance
        FROM customer_embeddings other
        WHERE other.customer_id <> me.customer_id AND other.model = me.model
        ORDER BY other.embedding <=> me.embedding
        LIMIT $2
      ) near
      WHERE me.customer_id = ANY($1::uuid[])
      ORDER BY me.customer_id, near.distance`,
      [ids, limit],
    );
    return rows.map((row) => ({
      customerId: row.customer_id,
      similarId: row.similar_id,
      score: 1 - Number(row.distance),
    }));
  }

  /** Inserts or updates a profile and its embedding together; returns the stored profile. */
  async upsert(write: CustomerWrite): Promise<Customer> {
    const { rows } = await this.db.query<CustomerRow>(
      /* sql */ `/* customer.upsert */
      WITH saved AS (
        INSERT INTO customers (id, display_name, email, traits)
        VALUES (COALESCE($1::uuid, gen_random_uuid()), $2, $3, $4::jsonb)
        ON CONFLICT ON CONSTRAINT customers_pkey DO UPDATE
          SET display_name = EXCLUDED.display_name,
              email = EXCLUDED.email,
              traits = EXCLUDED.traits,
              updated_at = now()
        RETURNING ${COLUMNS}
      ), embedded AS (
        INSERT INTO customer_embeddings (customer_id, model, embedding)
        SELECT id, $5, $6::vector FROM saved
        ON CONFLICT ON CONSTRAINT customer_embeddings_pkey DO UPDATE
          SET model = EXCLUDED.model, embedding = EXCLUDED.embedding, updated_at = now()
      )
      SELECT ${COLUMNS} FROM saved`,
      [
        write.id,
        write.displayName,
        write.email,
        JSON.stringify(write.traits),
        HASHED_EMBEDDING_MODEL,
        pgvector.toSql(write.embedding),
      ],
    );
    return toCustomer(rows[0]!);
  }
}

function toCustomer(row: CustomerRow): Customer {
  return {
    id: row.id,
    displayName: row.display_name,
    email: row.email,
    traits: row.traits,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
