import type { Postgres, Queryable } from '../../datasources/postgres.js';

/** A servable document: its version, and its bytes unless the caller holds that version. */
export interface StoredDocument {
  customerId: string;
  version: string;
  doc: Buffer | null;
  /** How long ago it was built, by the database's clock (the gateway's may differ). */
  ageMs: number;
}

/** What one projector pass took on: customers, and the marks it leased for each. */
export interface ClaimedWork {
  /** Customers whose marks this pass leased (or that reads asked for). */
  customerIds: string[];
  /** Of those, the ones with a document (kept up to date) or asked for by a read. */
  toBuild: string[];
  /** Of those, the ones that had a document when claimed. */
  withDocument: Set<string>;
  /** The marks leased, per customer: cleared when the pass commits its work for them. */
  marks: Map<string, string[]>;
  /**
   * What the claim saw: its snapshot (pg_snapshot) and the outbox horizon (writes that started
   * before it are in the graph, if the snapshot saw them committed).
   */
  seen: { snapshot: string; horizon: string };
}

/** A document built by a pass, or null: the customer has none to have (erased, merged). */
export interface BuiltDocument {
  customerId: string;
  built: { doc: Buffer; refs: readonly string[] } | null;
}

/** How far behind the read model is: what waits, and for how long. */
export interface ReadModelLag {
  documents: number;
  dirtyCustomers: number;
  oldestDirtyAgeMs: number;
}

// How long an instance may take to rebuild from the marks it leased before others may.
const LEASE = '30 seconds';

// Documents of customers $1 in format $2 that no write has touched since they were built.
const SERVABLE = `v.customer_id = ANY($1::uuid[]) AND v.format = $2
         AND NOT EXISTS (SELECT 1 FROM customer_360_dirty d WHERE d.customer_id = v.customer_id)`;

// Which build of a document a row holds: the writing transaction and the build time (either
// alone would do in practice; together they cannot repeat).
const VERSION = `v.xmin::text || '/' || (extract(epoch FROM v.built_at) * 1000000)::bigint`;

// The format of the row a first build holds while it builds: never served, never counted.
const PLACEHOLDER = 'building';

/**
 * PostgreSQL access for the 360 read model. The tables and the triggers that mark documents
 * dirty are in migrations/20261208090000.do.create_customer_360_read_model.sql.
 */
export class Customer360Store {
  constructor(private readonly db: Postgres) {}

  /**
   * Documents of this format with no dirty mark: safe to serve. A document whose version the
   * caller names in `held` comes without its bytes (the caller decoded that one already).
   */
  async loadFresh(
    customerIds: readonly string[],
    format: string,
    held: ReadonlyMap<string, string> = new Map(),
  ): Promise<StoredDocument[]> {
    const { rows } = await this.db.query<{
      customer_id: string;
      version: string;
      doc: Buffer | null;
      age_ms: number;
    }>(
      /* sql */ `/* read-model.loadFresh */
      SELECT v.customer_id, x.version, CASE WHEN h.version = x.version THEN NULL ELSE v.doc END AS doc,
             extract(epoch FROM now() - v.built_at)::float8 * 1000 AS age_ms
        FROM customer_360 v
       CROSS JOIN LATERAL (SELECT ${VERSION} AS version) x
        LEFT JOIN unnest($3::uuid[], $4::text[]) AS h(customer_id, version)
          ON h.customer_id = v.customer_id
       WHERE ${SERVABLE}`,
      [customerIds, format, [...held.keys()], [...held.values()]],
    );
    return rows.map((row) => ({
      customerId: row.customer_id,
      version: row.version,
      doc: row.doc,
      ageMs: row.age_ms,
    }));
  }

  /**
   * Marks these customers' documents of this format built more than `maxAgeMs` ago, unless
   * marked already: what they hold ages (similar customers), and a read found it too old.
   */
  async markAged(customerIds: readonly string[], format: string, maxAgeMs: number): Promise<void> {
    await this.db.query(
      /* sql */ `/* read-model.markAged */
      INSERT INTO customer_360_dirty (customer_id)
      SELECT v.customer_id FROM customer_360 v
       WHERE ${SERVABLE} AND v.built_at <= now() - $3 * interval '1 millisecond'`,
      [customerIds, format, maxAgeMs],
    );
  }

  /** When each customer's servable document was built; customers without one are left out. */
  async builtAt(customerIds: readonly string[], format: string): Promise<Map<string, Date>> {
    const { rows } = await this.db.query<{ customer_id: string; built_at: Date }>(
      /* sql */ `/* read-model.builtAt */
      SELECT v.customer_id, v.built_at
        FROM customer_360 v
       WHERE ${SERVABLE}`,
      [customerIds, format],
    );
    return new Map(rows.map((row) => [row.customer_id, row.built_at]));
  }

  /**
   * Takes on up to `limit` customers with dirty marks (and the `wanted` ones reads asked for),
   * leasing their marks so other instances leave them alone meanwhile; holds no transaction
   * while the documents are built. A mark is only taken once the outbox holds nothing older,
   * so the graph has applied the write behind it; a customer with a younger mark waits.
   */
  async claim(
    wanted: readonly string[],
    limit: number,
    /** Leave customers with a document alone (the read model is off on this instance). */
    withoutDocuments: boolean,
  ): Promise<ClaimedWork> {
    // One statement, so one snapshot and one round trip (a pass under read load waits for
    // each of its round trips behind the requests): the horizon and the marks must be seen
    // together, or a write committing in between would show its mark but not the outbox
    // message still ahead of it, and its document would be built from a graph without it,
    // then never rebuilt.
    const { rows } = await this.db.query<{
      horizon: string;
      snapshot: string;
      customer_id: string | null;
      ids: string[] | null;
      has_doc: boolean;
      build: boolean;
    }>(
      /* sql */ `/* read-model.claim */
      WITH horizon AS (
        SELECT coalesce(min(created_at), 'infinity') AS at FROM outbox
         WHERE lane = 'main' AND (last_error IS NULL OR last_error NOT LIKE 'no applier follows%')
      ), candidates AS (
        SELECT d.customer_id FROM customer_360_dirty d
         WHERE d.marked_at < (SELECT at FROM horizon)
           AND (d.leased_until IS NULL OR d.leased_until < now())
           AND NOT ($2 AND EXISTS (SELECT 1 FROM customer_360 v WHERE v.customer_id = d.customer_id))
         GROUP BY d.customer_id ORDER BY min(d.id) LIMIT $1
      ), leased AS (
        UPDATE customer_360_dirty d SET leased_until = now() + interval '${LEASE}'
         WHERE d.customer_id IN (SELECT customer_id FROM candidates)
           AND d.marked_at < (SELECT at FROM horizon)
           AND (d.leased_until IS NULL OR d.leased_until < now())
        RETURNING d.id, d.customer_id
      ), grouped AS (
        SELECT customer_id, array_agg(id) AS ids FROM leased GROUP BY customer_id
      ), state AS (
        SELECT c.customer_id, g.ids,
               -- A write the graph has not applied yet would make a new document dirty at once.
               EXISTS (SELECT 1 FROM customer_360_dirty d
                        WHERE d.customer_id = c.customer_id
                          AND d.marked_at >= (SELECT at FROM horizon)) AS blocked,
               EXISTS (SELECT 1 FROM customer_360 v WHERE v.customer_id = c.customer_id) AS has_doc,
               c.customer_id = ANY($3::uuid[]) AS wanted
          FROM (SELECT customer_id FROM grouped UNION SELECT unnest($3::uuid[])) c
          LEFT JOIN grouped g ON g.customer_id = c.customer_id
      ), placeholder AS (
        -- Never served (not of any document format), for a first document: from now on a
        -- pass elsewhere that would clear this customer's marks without building sees a
        -- document and leaves them, so a write landing during this build is never lost.
        INSERT INTO customer_360 (customer_id, format, doc)
        SELECT s.customer_id, $4, '\\x'::bytea FROM state s
         WHERE s.wanted AND NOT s.blocked AND NOT s.has_doc
           AND EXISTS (SELECT 1 FROM customers c WHERE c.id = s.customer_id)
        ON CONFLICT (customer_id) DO NOTHING
      )
      SELECT h.at::text AS horizon, pg_current_snapshot()::text AS snapshot, s.customer_id,
             s.ids, s.has_doc, NOT s.blocked AND (s.has_doc OR s.wanted) AS build
        FROM horizon h LEFT JOIN state s ON true`,
      [limit, withoutDocuments, wanted, PLACEHOLDER],
    );
    const { horizon, snapshot } = rows[0]!;
    const state = rows.filter((row) => row.customer_id !== null);
    const id = (row: { customer_id: string | null }) => row.customer_id!;
    return {
      customerIds: state.map(id),
      toBuild: state.filter((row) => row.build).map(id),
      withDocument: new Set(state.filter((row) => row.has_doc).map(id)),
      marks: new Map(state.flatMap((row) => (row.ids === null ? [] : [[id(row), row.ids]]))),
      seen: { snapshot, horizon },
    };
  }

  /**
   * Stores what a pass built and clears the marks it leased. A customer's document is stored
   * only if every mark the pass leased for it is still there (locked first): if another
   * instance cleared one meanwhile, its document is as new as this one or newer. A first
   * document (no marks) never replaces one stored meanwhile, except one of another format.
   * Marks of customers not stored are released for a later pass.
   *
   * A document may show what its stored refs did not (a new relative, a product just bought):
   * a write to that since the claim marked nothing. So its refs are added first, in a
   * transaction of their own (a write from then on marks it), and a document showing anything
   * changed since the claim, or changed before it but not yet in the graph, or being changed
   * now, is not stored but marked again.
   */
  async commit(
    format: string,
    claim: ClaimedWork,
    documents: readonly BuiltDocument[],
    failed: ReadonlySet<string>,
  ): Promise<void> {
    const built = documents.filter((d) => d.built !== null);
    await this.insertRefs(this.db, built);
    // Statements with nothing to do are not sent: under read load each round trip of a pass
    // waits behind the requests, and the pass is what a write waits for to show.
    await this.db.withTransaction(async (tx) => {
      const moved = await this.showingChanges(tx, claim.seen, built);
      const leased = [...claim.marks.values()].flat();
      const present = new Set(
        leased.length === 0
          ? []
          : (
              await tx.query<{ id: string }>(
                /* sql */ `/* read-model.lockMarks */
                SELECT id FROM customer_360_dirty WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE`,
                [leased],
              )
            ).rows.map((row) => row.id),
      );
      const builtIds = new Set(built.map((d) => d.customerId));
      // Marks of a customer this pass does not store a document for are cleared only if the
      // customer has no document now (a placeholder counts: a build elsewhere is under way).
      // Read after the marks are locked: a claim that committed meanwhile is seen.
      const unbuilt = claim.customerIds.filter((id) => !builtIds.has(id));
      const documented =
        unbuilt.length === 0
          ? []
          : (
              await tx.query<{ customer_id: string }>(
                /* sql */ `/* read-model.documented */
                SELECT customer_id FROM customer_360 WHERE customer_id = ANY($1::uuid[])`,
                [unbuilt],
              )
            ).rows.map((row) => row.customer_id);
      const keep = new Set([...failed, ...moved, ...documented]);
      const intact = (id: string) =>
        !keep.has(id) && (claim.marks.get(id) ?? []).every((mark) => present.has(mark));
      const settled = claim.customerIds.filter(intact);
      const stored = built.filter((d) => intact(d.customerId));
      await this.save(
        tx,
        format,
        stored.filter((d) => claim.marks.has(d.customerId)),
        'replace',
      );
      await this.save(
        tx,
        format,
        stored.filter((d) => !claim.marks.has(d.customerId)),
        'first',
      );
      const cleared = settled.flatMap((id) => claim.marks.get(id) ?? []);
      const clearedSet = new Set(cleared);
      const released = leased.filter((mark) => present.has(mark) && !clearedSet.has(mark));
      if (cleared.length + released.length + moved.size > 0) {
        // Three disjoint sets of rows, so one statement: marks cleared, marks given back, and
        // marks made again as of now (a later pass waits for the outbox to pass the writes
        // seen here).
        await tx.query(
          /* sql */ `/* read-model.settleMarks */
          WITH cleared AS (
            DELETE FROM customer_360_dirty WHERE id = ANY($1::bigint[])
          ), released AS (
            UPDATE customer_360_dirty SET leased_until = NULL WHERE id = ANY($2::bigint[])
          )
          INSERT INTO customer_360_dirty (customer_id, marked_at)
          SELECT id, clock_timestamp() FROM unnest($3::uuid[]) AS m(id)`,
          [cleared, released, [...moved]],
        );
      }
    });
  }

  /**
   * Customers whose built document shows something the build may have missed: changed after
   * the claim's snapshot, or before it but not in the graph yet (started at or after the
   * outbox horizon), or being changed right now (its row locked by the write, which may have
   * looked for the documents to mark before this pass's refs were added).
   */
  private async showingChanges(
    tx: Queryable,
    seen: ClaimedWork['seen'],
    built: readonly BuiltDocument[],
  ): Promise<Set<string>> {
    const { owners, refs } = refPairs(built);
    if (refs.length === 0) {
      return new Set();
    }
    // FOR SHARE follows a row changed since this statement's snapshot to its newest version,
    // so a write committing meanwhile is judged by what it wrote.
    const { rows } = await tx.query<{ customer_id: string }>(
      /* sql */ `/* read-model.showingChanges */
      WITH shown AS (
        SELECT * FROM unnest($1::uuid[], $2::uuid[]) AS s(customer_id, ref_id)
      ), free AS MATERIALIZED (
        SELECT entity_id,
               pg_visible_in_snapshot(changed_xid, $3::pg_snapshot)
                 AND changed_at < $4::timestamptz AS in_build
          FROM customer_360_changes
         WHERE entity_id IN (SELECT ref_id FROM shown)
         ORDER BY entity_id
           FOR SHARE SKIP LOCKED
      )
      SELECT DISTINCT s.customer_id
        FROM shown s
        JOIN customer_360_changes c ON c.entity_id = s.ref_id
        LEFT JOIN free f ON f.entity_id = s.ref_id
       WHERE f.in_build IS NOT TRUE`,
      [owners, refs, seen.snapshot, seen.horizon],
    );
    return new Set(rows.map((row) => row.customer_id));
  }

  /**
   * Stores documents and what they show (replacing, or only where none of this format is),
   * in one statement: the refs a document no longer shows go, the ones it shows are written
   * again although the pass added them before this transaction (a pass elsewhere may have
   * replaced this customer's refs in between). The two touch different rows.
   */
  private async save(
    tx: Queryable,
    format: string,
    built: readonly BuiltDocument[],
    mode: 'replace' | 'first',
  ): Promise<void> {
    const documents = built.map((d) => ({ customerId: d.customerId, ...d.built! }));
    if (documents.length === 0) {
      return;
    }
    const { owners, refs } = refPairs(built);
    // A customer erased or merged away since it was marked has no row to hang a document on.
    await tx.query(
      /* sql */ `/* read-model.save */
      WITH saved AS (
        INSERT INTO customer_360 (customer_id, format, doc, built_at)
        SELECT d.customer_id, $2, d.doc, now()
          FROM unnest($1::uuid[], $3::bytea[]) AS d(customer_id, doc)
         WHERE EXISTS (SELECT 1 FROM customers c WHERE c.id = d.customer_id)
        ON CONFLICT (customer_id) DO UPDATE
          SET format = EXCLUDED.format, doc = EXCLUDED.doc, built_at = EXCLUDED.built_at
          WHERE $4 OR customer_360.format <> EXCLUDED.format
        RETURNING customer_id
      ), shown AS (
        SELECT * FROM unnest($5::uuid[], $6::uuid[]) AS s(customer_id, ref_id)
         WHERE s.customer_id IN (SELECT customer_id FROM saved)
      ), unshown AS (
        DELETE FROM customer_360_refs r
         WHERE r.customer_id IN (SELECT customer_id FROM saved)
           AND NOT EXISTS (SELECT 1 FROM shown s
                            WHERE s.customer_id = r.customer_id AND s.ref_id = r.ref_id)
      )
      INSERT INTO customer_360_refs (ref_id, customer_id)
      SELECT ref_id, customer_id FROM shown
      ON CONFLICT DO NOTHING`,
      [
        documents.map((d) => d.customerId),
        format,
        documents.map((d) => d.doc),
        mode === 'replace',
        owners,
        refs,
      ],
    );
  }

  /** Records what documents show (for a customer whose document row exists). */
  private async insertRefs(q: Queryable, built: readonly BuiltDocument[]): Promise<void> {
    const { owners, refs } = refPairs(built);
    if (refs.length === 0) {
      return;
    }
    await q.query(
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
    }>(
      /* sql */ `/* read-model.lag */
      SELECT (SELECT count(*) FROM customer_360 WHERE format <> $1) AS documents,
             (SELECT count(DISTINCT d.customer_id) FROM customer_360_dirty d
               WHERE EXISTS (SELECT 1 FROM customer_360 v WHERE v.customer_id = d.customer_id)) AS dirty,
             (SELECT min(d.marked_at) FROM customer_360_dirty d
               WHERE EXISTS (SELECT 1 FROM customer_360 v WHERE v.customer_id = d.customer_id)) AS oldest`,
      [PLACEHOLDER],
    );
    const row = rows[0]!;
    return {
      documents: Number(row.documents),
      dirtyCustomers: Number(row.dirty),
      oldestDirtyAgeMs: row.oldest === null ? 0 : Math.max(0, Date.now() - row.oldest.getTime()),
    };
  }
}

/** What built documents show, as parallel arrays (owner document, shown id) for unnest. */
function refPairs(built: readonly BuiltDocument[]): { owners: string[]; refs: string[] } {
  return {
    owners: built.flatMap((d) => d.built!.refs.map(() => d.customerId)),
    refs: built.flatMap((d) => d.built!.refs),
  };
}
