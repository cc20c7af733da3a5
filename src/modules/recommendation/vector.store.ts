import { createHash } from 'node:crypto';

import pgvector from 'pgvector';

import type { Postgres, Queryable } from '../../datasources/postgres.js';
import type { ItemKind } from './recommendation.kinds.js';

/** A model's vectors share one space: its name and its dimension. */
export interface VectorSpace {
  model: string;
  dimensions: number;
}

export interface ItemVector {
  itemId: string;
  vector: Float32Array;
}

export interface Neighbour {
  id: string;
  /** Cosine similarity in [-1, 1]. */
  similarity: number;
}

/** Names a (table, kind, model) index; model names are free text, so they are hashed. */
function indexName(table: string, scope: string, model: string): string {
  const digest = createHash('sha256').update(model).digest('hex').slice(0, 12);
  return `${table}_${scope}_${digest}_hnsw`;
}

/** A model name as an SQL literal: it goes into index predicates, which take no parameters. */
function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** pgvector's default `hnsw.ef_search`, and its largest allowed value. */
const MIN_EF_SEARCH = 40;
const MAX_EF_SEARCH = 1_000;

const toSql = (vector: Float32Array) => pgvector.toSql(Array.from(vector));

/**
 * Vectors of customers (preference vectors) and catalogue items, of any model and dimension.
 * Each (entity kind, model) gets its own partial HNSW index on `embedding::vector(d)`, created
 * the first time that model's vectors are stored; every nearest-neighbour query casts to the
 * same dimension and names the model literally, so the planner can use it.
 */
export class VectorStore {
  private static readonly ensured = new Set<string>();
  /** Each database's `hnsw.ef_search` as its sessions start, read once per process. */
  private static readonly serverEfSearch = new WeakMap<Postgres, Promise<number>>();

  constructor(private readonly db: Postgres) {}

  /** Creates the HNSW index of a model's item vectors unless it exists. */
  async ensureItemIndex(kind: ItemKind, space: VectorSpace): Promise<void> {
    const name = indexName('item_embeddings', kind, space.model);
    await this.ensure(
      name,
      `CREATE INDEX IF NOT EXISTS ${name} ON item_embeddings
       USING hnsw ((embedding::vector(${space.dimensions})) vector_cosine_ops)
       WHERE item_kind = ${literal(kind)} AND model = ${literal(space.model)}`,
    );
  }

  /** Creates the HNSW index of a model's customer vectors unless it exists. */
  async ensureCustomerIndex(space: VectorSpace): Promise<void> {
    const name = indexName('customer_embeddings', 'customer', space.model);
    await this.ensure(
      name,
      `CREATE INDEX IF NOT EXISTS ${name} ON customer_embeddings
       USING hnsw ((embedding::vector(${space.dimensions})) vector_cosine_ops)
       WHERE model = ${literal(space.model)}`,
    );
  }

  private async ensure(name: string, statement: string): Promise<void> {
    if (VectorStore.ensured.has(name)) {
      return;
    }
    // Two fits (or instances) may race to create it: the transaction-scoped lock makes the
    // second wait for the first's commit and then find the index there.
    await this.db.withTransaction(async (tx) => {
      await tx.query(`/* vectors.ensureIndex.lock */ SELECT pg_advisory_xact_lock(hashtext($1))`, [
        name,
      ]);
      await tx.query(`/* vectors.ensureIndex */ ${statement}`);
    });
    VectorStore.ensured.add(name);
  }

  /**
   * Removes the vectors of every model but `keep`, and their HNSW indexes: a refitted text
   * model is a new space, and the old one's vectors would only take room and index upkeep.
   */
  async pruneModels(keep: string): Promise<void> {
    await this.db.query(`/* vectors.pruneItems */ DELETE FROM item_embeddings WHERE model <> $1`, [
      keep,
    ]);
    await this.db.query(
      `/* vectors.pruneCustomers */ DELETE FROM customer_embeddings WHERE model <> $1`,
      [keep],
    );
    const kept = new Set([
      indexName('item_embeddings', 'product', keep),
      indexName('item_embeddings', 'content', keep),
      indexName('customer_embeddings', 'customer', keep),
    ]);
    const { rows } = await this.db.query<{
      indexname: string;
    }>(/* sql */ `/* vectors.modelIndexes */
      SELECT indexname FROM pg_indexes
      WHERE schemaname = current_schema() AND tablename IN ('item_embeddings', 'customer_embeddings')
        AND indexname ~ '_hnsw$'`);
    for (const { indexname } of rows.filter((row) => !kept.has(row.indexname))) {
      // Names come from pg_indexes and match our own pattern; quoted all the same.
      await this.db.query(
        `/* vectors.dropIndex */ DROP INDEX IF EXISTS "${indexname.replaceAll('"', '""')}"`,
      );
      VectorStore.ensured.delete(indexname);
    }
  }

  /** Stores item vectors of one model (zero vectors are skipped: they have no direction). */
  async upsertItems(kind: ItemKind, model: string, rows: readonly ItemVector[]): Promise<void> {
    const kept = rows.filter((row) => row.vector.some((value) => value !== 0));
    if (kept.length === 0) {
      return;
    }
    await this.db.query(
      /* sql */ `/* vectors.upsertItems */
      INSERT INTO item_embeddings (item_kind, item_id, model, embedding)
      SELECT $1, item_id, $2, embedding::vector
      FROM unnest($3::uuid[], $4::text[]) AS v(item_id, embedding)
      ON CONFLICT ON CONSTRAINT item_embeddings_pkey DO UPDATE
        SET embedding = EXCLUDED.embedding, updated_at = now()`,
      [kind, model, kept.map((r) => r.itemId), kept.map((r) => toSql(r.vector))],
    );
  }

  /**
   * Stores customers' preference vectors of one model; customers who withdrew personalization,
   * and customers that no longer exist (erased or merged away), get none.
   */
  async upsertCustomers(model: string, rows: readonly ItemVector[]): Promise<void> {
    const kept = rows.filter((row) => row.vector.some((value) => value !== 0));
    if (kept.length === 0) {
      return;
    }
    await this.db.query(
      /* sql */ `/* vectors.upsertCustomers */
      INSERT INTO customer_embeddings (customer_id, model, embedding)
      SELECT c.id, $1, v.embedding::vector
      FROM unnest($2::uuid[], $3::text[]) AS v(customer_id, embedding)
      -- Locked against deletion until the insert's foreign key check: a customer erased or
      -- merged away while a fit ran is skipped, not a constraint violation.
      JOIN (SELECT id FROM customers WHERE id = ANY($2::uuid[]) FOR KEY SHARE) c
        ON c.id = v.customer_id
      WHERE NOT EXISTS (
        SELECT 1 FROM customer_consents k
        WHERE k.customer_id = c.id AND k.purpose = 'personalization' AND NOT k.granted)
      ON CONFLICT ON CONSTRAINT customer_embeddings_pkey DO UPDATE
        SET embedding = EXCLUDED.embedding, updated_at = now()
        -- A recompute that leaves the vector as it was writes nothing (and marks no document).
        WHERE customer_embeddings.embedding IS DISTINCT FROM EXCLUDED.embedding`,
      [model, kept.map((r) => r.itemId), kept.map((r) => toSql(r.vector))],
    );
  }

  /** Removes every preference vector of these customers (no history, or consent withdrawn). */
  async deleteCustomers(customerIds: readonly string[]): Promise<void> {
    await this.db.query(
      `/* vectors.deleteCustomers */ DELETE FROM customer_embeddings WHERE customer_id = ANY($1::uuid[])`,
      [customerIds],
    );
  }

  /** The stored vectors of these items in one model, by item id. */
  async itemVectors(model: string, itemIds: readonly string[]): Promise<Map<string, Float32Array>> {
    if (itemIds.length === 0) {
      return new Map();
    }
    const { rows } = await this.db.query<{ item_id: string; embedding: string }>(
      /* sql */ `/* vectors.itemVectors */
      SELECT item_id, embedding::text AS embedding FROM item_embeddings
      WHERE model = $1 AND item_id = ANY($2::uuid[])`,
      [model, itemIds],
    );
    return new Map(rows.map((row) => [row.item_id, parseVector(row.embedding)]));
  }

  /** The stored preference vector of one customer in one model, if any. */
  async customerVector(model: string, customerId: string): Promise<Float32Array | null> {
    const { rows } = await this.db.query<{ embedding: string }>(
      /* sql */ `/* vectors.customerVector */
      SELECT embedding::text AS embedding FROM customer_embeddings
      WHERE model = $1 AND customer_id = $2`,
      [model, customerId],
    );
    return rows[0] ? parseVector(rows[0].embedding) : null;
  }

  /**
   * The items of a kind nearest to a vector (HNSW, approximate), most similar first.
   *
   * An HNSW scan returns at most `hnsw.ef_search` rows (40 by default), so the search list is
   * widened to `limit`: at 40, the vector source's 200 candidates were 41 (recall@200 0.21 on
   * the 10k-product bench dataset; 0.998 at 200, for about 0.6 ms more per search; recall@10
   * is 0.988 at 40). `npm run bench:recommendations` measures it.
   */
  async nearestItems(
    kind: ItemKind,
    space: VectorSpace,
    vector: Float32Array,
    limit: number,
  ): Promise<Neighbour[]> {
    const d = space.dimensions;
    const { rows } = await this.searching(limit, (tx) =>
      tx.query<{ item_id: string; distance: number }>(
        /* sql */ `/* vectors.nearestItems */
        SELECT item_id, embedding::vector(${d}) <=> $1::vector(${d}) AS distance
        FROM item_embeddings
        WHERE item_kind = ${literal(kind)} AND model = ${literal(space.model)}
        ORDER BY embedding::vector(${d}) <=> $1::vector(${d})
        LIMIT $2`,
        [toSql(vector), limit],
      ),
    );
    return rows.map((row) => ({ id: row.item_id, similarity: 1 - Number(row.distance) }));
  }

  /**
   * Runs a search with HNSW's candidate list at least `rows` long (see nearestItems), and never
   * shorter than pgvector's default. A list the server's own setting covers is searched in one
   * statement; a longer one is set for a transaction around the search: BEGIN, set_config,
   * search, COMMIT, four round trips, which made a 360 read's five similar customers cost more
   * than the rest of the read from its document.
   */
  private async searching<T>(rows: number, search: (db: Queryable) => Promise<T>): Promise<T> {
    if (rows <= (await this.serverEfSearch())) {
      return search(this.db);
    }
    return this.db.withTransaction(async (tx) => {
      await tx.query(`/* vectors.efSearch */ SELECT set_config('hnsw.ef_search', $1, true)`, [
        String(Math.min(Math.max(rows, MIN_EF_SEARCH), MAX_EF_SEARCH)),
      ]);
      return search(tx);
    });
  }

  /**
   * `hnsw.ef_search` as the server starts sessions with it: pgvector's default (40) unless an
   * operator set one (a placeholder until pgvector loads in the session, hence `missing_ok`).
   * Below the default it covers nothing: every search then sets its own list, as all did before.
   */
  private serverEfSearch(): Promise<number> {
    let known = VectorStore.serverEfSearch.get(this.db);
    if (known === undefined) {
      known = this.db
        .query<{ ef: string | null }>(
          `/* vectors.serverEfSearch */ SELECT current_setting('hnsw.ef_search', true) AS ef`,
        )
        .then(({ rows }) => {
          const ef = Number(rows[0]?.ef ?? MIN_EF_SEARCH);
          return Number.isInteger(ef) && ef >= MIN_EF_SEARCH ? ef : 0;
        });
      // A failed read is not remembered: the next search asks again.
      known.catch(() => VectorStore.serverEfSearch.delete(this.db));
      VectorStore.serverEfSearch.set(this.db, known);
    }
    return known;
  }

  /**
   * The `limit` nearest customers of each given customer, in one statement (a LATERAL HNSW
   * search per key). Customers without a vector get no neighbours.
   */
  async nearestCustomers(
    space: VectorSpace,
    customerIds: readonly string[],
    limit: number,
  ): Promise<{ customerId: string; neighbour: Neighbour }[]> {
    const d = space.dimensions;
    const model = literal(space.model);
    // One more than asked: the customer's own vector is among the nearest and filtered out.
    const { rows } = await this.searching(limit + 1, (tx) =>
      tx.query<{
        customer_id: string;
        similar_id: string;
        distance: number;
      }>(
        /* sql */ `/* vectors.nearestCustomers */
      SELECT me.customer_id, near.customer_id AS similar_id, near.distance
      FROM customer_embeddings me
      CROSS JOIN LATERAL (
        SELECT other.customer_id,
               other.embedding::vector(${d}) <=> me.embedding::vector(${d}) AS distance
        FROM customer_embeddings other
        WHERE other.model = ${model} AND other.customer_id <> me.customer_id
        ORDER BY other.embedding::vector(${d}) <=> me.embedding::vector(${d})
        LIMIT $2
      ) near
      WHERE me.model = ${model} AND me.customer_id = ANY($1::uuid[])
      ORDER BY me.customer_id, near.distance`,
        [customerIds, limit],
      ),
    );
    return rows.map((row) => ({
      customerId: row.customer_id,
      neighbour: { id: row.similar_id, similarity: 1 - Number(row.distance) },
    }));
  }
}

/** pgvector's text form, `[0.1,0.2,...]`. */
export function parseVector(text: string): Float32Array {
  return Float32Array.from(text.slice(1, -1).split(','), Number);
}
