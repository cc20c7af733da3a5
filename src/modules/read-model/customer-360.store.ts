import type { Postgres, Queryable } from '../../datasources/postgres.js';

/** A stored document, still encoded. */
export interface StoredDocument {
  customerId: string;
  doc: Buffer;
}

/** The dirty marks one projector pass took, per customer, under that customer's lock. */
export interface ClaimedWork {
  /** Customers locked for this pass: their marks below are theirs to clear. */
  customerIds: string[];
  /** Of those, the ones with a document (kept up to date) or asked for by a read. */
  toBuild: string[];
  /** Of those, the ones that have a document now. */
  withDocument: Set<string>;
  /** Marks seen after locking, per customer; cleared with the pass unless `keep` names them. */
  marks: Map<string, string[]>;
  /** Customers whose marks stay (their document could not be built this time). */
  keep: Set<string>;
}

/** How far behind the read model is: what waits, and for how long. */
export interface ReadModelLag {
  documents: number;
  dirtyCustomers: number;
  oldestDirtyAgeMs: number;
}

// Both halves of the advisory-lock key: 'c360' and the customer id's hash.
const LOCK_SPACE = 0x63333630;

/**
 * PostgreSQL access for the 360 read model. The tables and the triggers that mark documents
 * dirty are in migrations/20261208090000.do.create_customer_360_read_model.sql.
 */
export class Customer360Store {
  constructor(private readonly db: Postgres) {}

  /** Documents of this format with no dirty mark: safe to serve. */
  async loadFresh(customerIds: readonly string[], format: string): Promise<StoredDocument[]> {
    const { rows } = await this.db.query<{ customer_id: string; doc: Buffer }>(
      /* sql */ `/* read-model.loadFresh */
      SELECT v.customer_id, v.doc
        FROM customer_360 v
       WHERE v.customer_id = ANY($1::uuid[]) AND v.format = $2
         AND NOT EXISTS (SELECT 1 FROM customer_360_dirty d WHERE d.customer_id = v.customer_id)`,
      [customerIds, format],
    );
    return rows.map((row) => ({ customerId: row.customer_id, doc: row.doc }));
  }

  /**
   * Runs one projector pass in a transaction: locks up to `limit` customers that are marked
   * dirty (or `wanted` by reads), hands `work` what to rebuild, and clears the marks seen. A
   * mark is only taken once the outbox holds nothing older, so the graph has applied the write
   * behind it; a customer with a younger mark is left for a later pass. Two instances never
   * work on one customer at once (transaction-scoped advisory locks).
   */
  async pass(
    wanted: readonly string[],
    limit: number,
    /** Leave customers with a document alone (the read model is off on this instance). */
    withoutDocuments: boolean,
    work: (claim: ClaimedWork, tx: Queryable) => Promise<void>,
  ): Promise<ClaimedWork> {
    return this.db.withTransaction(async (tx) => {
      const horizon = await outboxHorizon(tx);
      const { rows: candidates } = await tx.query<{ customer_id: string }>(
        /* sql */ `/* read-model.candidates */
        SELECT customer_id FROM (
          SELECT d.customer_id, min(d.id) AS first_mark FROM customer_360_dirty d
           WHERE d.marked_at < $1
             AND NOT ($4 AND EXISTS (SELECT 1 FROM customer_360 v WHERE v.customer_id = d.customer_id))
           GROUP BY d.customer_id ORDER BY first_mark LIMIT $2
        ) dirty
        UNION
        SELECT unnest($3::uuid[])`,
        [horizon, limit, wanted, withoutDocuments],
      );
      const ids = candidates.map((row) => row.customer_id);
      const { rows: locked } = await tx.query<{
        customer_id: string;
        blocked: boolean;
        has_doc: boolean;
        mark_ids: string[] | null;
      }>(
        /* sql */ `/* read-model.lock */
        SELECT c.customer_id,
               EXISTS (SELECT 1 FROM customer_360_dirty d
                        WHERE d.customer_id = c.customer_id AND d.marked_at >= $2) AS blocked,
               EXISTS (SELECT 1 FROM customer_360 v WHERE v.customer_id = c.customer_id) AS has_doc,
               (SELECT array_agg(d.id) FROM customer_360_dirty d
                 WHERE d.customer_id = c.customer_id AND d.marked_at < $2) AS mark_ids
          FROM unnest($1::uuid[]) AS c(customer_id)
         WHERE pg_try_advisory_xact_lock(${LOCK_SPACE}, hashtext(c.customer_id::text))`,
        [ids, horizon],
      );
      const wantedSet = new Set(wanted);
      const claim: ClaimedWork = {
        customerIds: locked.map((row) => row.customer_id),
        // A write the graph has not applied yet would make the new document dirty at once.
        toBuild: locked
          .filter((row) => !row.blocked && (row.has_doc || wantedSet.has(row.customer_id)))
          .map((row) => row.customer_id),
        withDocument: new Set(locked.filter((row) => row.has_doc).map((row) => row.customer_id)),
        marks: new Map(locked.map((row) => [row.customer_id, row.mark_ids ?? []])),
        keep: new Set(),
      };
      await work(claim, tx);
      const cleared = [...claim.marks].flatMap(([id, marks]) => (claim.keep.has(id) ? [] : marks));
      if (cleared.length > 0) {
        await tx.query(
          /* sql */ `/* read-model.clearMarks */
          DELETE FROM customer_360_dirty WHERE id = ANY($1::bigint[])`,
          [cleared],
        );
      }
      return claim;
    });
  }

  /** Replaces documents and what they show, inside the pass's transaction. */
  async save(
    tx: Queryable,
    format: string,
    documents: readonly { customerId: string; doc: Buffer; refs: readonly string[] }[],
  ): Promise<void> {
    if (documents.length === 0) {
      return;
    }
    const ids = documents.map((d) => d.customerId);
    // A customer erased or merged away since it was marked has no row to hang a document on.
    await tx.query(
      /* sql */ `/* read-model.save */
      INSERT INTO customer_360 (customer_id, format, doc, built_at)
      SELECT d.customer_id, $2, d.doc, now()
        FROM unnest($1::uuid[], $3::bytea[]) AS d(customer_id, doc)
       WHERE EXISTS (SELECT 1 FROM customers c WHERE c.id = d.customer_id)
      ON CONFLICT (customer_id) DO UPDATE
        SET format = EXCLUDED.format, doc = EXCLUDED.doc, built_at = EXCLUDED.built_at`,
      [ids, format, documents.map((d) => d.doc)],
    );
    await tx.query(
      /* sql */ `/* read-model.clearRefs */
      DELETE FROM customer_360_refs WHERE customer_id = ANY($1::uuid[])`,
      [ids],
    );
    const owners = documents.flatMap((d) => d.refs.map(() => d.customerId));
    const refs = documents.flatMap((d) => d.refs);
    await tx.query(
      /* sql */ `/* read-model.saveRefs */
      INSERT INTO customer_360_refs (ref_id, customer_id)
      SELECT r.ref_id, r.customer_id FROM unnest($1::uuid[], $2::uuid[]) AS r(ref_id, customer_id)
       WHERE EXISTS (SELECT 1 FROM customer_360 v WHERE v.customer_id = r.customer_id)
      ON CONFLICT DO NOTHING`,
      [refs, owners],
    );
  }

  async lag(): Promise<ReadModelLag> {
    const { rows } = await this.db.query<{
      documents: string;
      dirty: string;
      oldest: Date | null;
    }>(/* sql */ `/* read-model.lag */
      SELECT (SELECT count(*) FROM customer_360) AS documents,
             (SELECT count(DISTINCT d.customer_id) FROM customer_360_dirty d
               WHERE EXISTS (SELECT 1 FROM customer_360 v WHERE v.customer_id = d.customer_id)) AS dirty,
             (SELECT min(d.marked_at) FROM customer_360_dirty d
               WHERE EXISTS (SELECT 1 FROM customer_360 v WHERE v.customer_id = d.customer_id)) AS oldest`);
    const row = rows[0]!;
    return {
      documents: Number(row.documents),
      dirtyCustomers: Number(row.dirty),
      oldestDirtyAgeMs: row.oldest === null ? 0 : Math.max(0, Date.now() - row.oldest.getTime()),
    };
  }
}

/**
 * The start of the oldest write the relay has not finished applying (or infinity): marks older
 * than it describe writes every store has. Messages nobody follows (a newer version's) are set
 * aside by the relay and must not hold the read model back.
 */
async function outboxHorizon(tx: Queryable): Promise<Date | string> {
  const { rows } = await tx.query<{ horizon: Date | null }>(/* sql */ `/* read-model.horizon */
    SELECT min(created_at) AS horizon FROM outbox
     WHERE last_error IS NULL OR last_error NOT LIKE 'no applier follows%'`);
  return rows[0]!.horizon ?? 'infinity';
}
