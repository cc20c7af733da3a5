import type { Queryable } from '../../datasources/postgres.js';
import type { Rule } from './rule/rule.js';

export interface SegmentRow {
  id: string;
  key: string;
  name: string;
  description: string | null;
  rule: Rule;
  version: number;
  refersTo: string[];
  status: 'building' | 'ready';
  evaluatedVersion: number | null;
  size: number;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `id::text, key, name, description, rule, version, refers_to::text[] AS "refersTo",
  status, evaluated_version AS "evaluatedVersion", size, created_at AS "createdAt", updated_at AS "updatedAt"`;

export interface SegmentDraft {
  key: string;
  name: string;
  description: string | null;
  rule: Rule;
  refersTo: string[];
}

/** PostgreSQL access to segments and their versions. */
export class SegmentStore {
  constructor(private readonly db: Queryable) {}

  async list(): Promise<SegmentRow[]> {
    const { rows } = await this.db.query<SegmentRow>(
      `/* segments.list */ SELECT ${COLUMNS} FROM segments ORDER BY created_at, id`,
    );
    return rows;
  }

  async byIds(ids: readonly string[]): Promise<SegmentRow[]> {
    const { rows } = await this.db.query<SegmentRow>(
      `/* segments.byIds */ SELECT ${COLUMNS} FROM segments WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return rows;
  }

  async byKey(key: string): Promise<SegmentRow | null> {
    const { rows } = await this.db.query<SegmentRow>(
      `/* segments.byKey */ SELECT ${COLUMNS} FROM segments WHERE key = $1`,
      [key],
    );
    return rows[0] ?? null;
  }

  /** The database's clock, which stamps vectors' updated_at. */
  async now(): Promise<Date> {
    const { rows } = await this.db.query<{ now: Date }>(`/* segments.now */ SELECT now() AS now`);
    return rows[0]!.now;
  }

  /** When any of these customers' or products' vectors was last written; null when none has one. */
  async vectorsUpdatedAt(
    customerIds: readonly string[],
    productIds: readonly string[],
  ): Promise<Date | null> {
    const { rows } = await this.db.query<{ at: Date | null }>(
      `/* segments.vectorsUpdatedAt */ SELECT greatest(
         (SELECT max(updated_at) FROM customer_embeddings WHERE customer_id = ANY($1::uuid[])),
         (SELECT max(updated_at) FROM item_embeddings
           WHERE item_kind = 'product' AND item_id = ANY($2::uuid[]))) AS at`,
      [customerIds, productIds],
    );
    return rows[0]?.at ?? null;
  }

  /**
   * Makes definition writes of concurrent transactions take turns until commit, so each one's
   * reference checks (cycles, chain length) see the others' references.
   */
  async lockDefinitions(): Promise<void> {
    await this.db.query(
      `/* segments.lockDefinitions */ SELECT pg_advisory_xact_lock(hashtext('c360.segments.definitions'))`,
    );
  }

  /**
   * Records how far a full evaluation has come, for every instance to read; a build of an
   * older version never overwrites a newer one's.
   */
  async recordProgress(p: {
    segmentId: string;
    version: number;
    evaluated: number;
    total: number;
  }): Promise<void> {
    await this.db.query(
      `/* segments.recordProgress */ INSERT INTO segment_builds (segment_id, version, evaluated, total)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (segment_id) DO UPDATE SET version = EXCLUDED.version,
         evaluated = EXCLUDED.evaluated, total = EXCLUDED.total, updated_at = now()
       WHERE segment_builds.version <= EXCLUDED.version`,
      [p.segmentId, p.version, p.evaluated, p.total],
    );
  }

  /** A build of `version` ended (finished or stopped). */
  async endProgress(segmentId: string, version: number): Promise<void> {
    await this.db.query(
      `/* segments.endProgress */ DELETE FROM segment_builds WHERE segment_id = $1 AND version = $2`,
      [segmentId, version],
    );
  }

  /** Inserts a new segment (version 1); null when the key is taken. */
  async insert(draft: SegmentDraft): Promise<SegmentRow | null> {
    const { rows } = await this.db.query<SegmentRow>(
      `/* segments.insert */ INSERT INTO segments (key, name, description, rule, refers_to)
       VALUES ($1, $2, $3, $4, $5::uuid[])
       ON CONFLICT (key) DO NOTHING
       RETURNING ${COLUMNS}`,
      [draft.key, draft.name, draft.description, JSON.stringify(draft.rule), draft.refersTo],
    );
    const row = rows[0];
    if (row !== undefined) {
      await this.recordVersion(row);
    }
    return row ?? null;
  }

  /** Replaces name, description and (as a new version, when it changed) the rule. */
  async update(id: string, draft: Omit<SegmentDraft, 'key'>): Promise<SegmentRow | null> {
    const { rows } = await this.db.query<SegmentRow>(
      `/* segments.update */ UPDATE segments SET name = $2, description = $3,
         version = version + CASE WHEN rule = $4::jsonb THEN 0 ELSE 1 END,
         status = CASE WHEN rule = $4::jsonb THEN status ELSE 'building' END,
         rule = $4::jsonb, refers_to = $5::uuid[], updated_at = now()
       WHERE id = $1
       RETURNING ${COLUMNS}`,
      [id, draft.name, draft.description, JSON.stringify(draft.rule), draft.refersTo],
    );
    const row = rows[0];
    if (row !== undefined) {
      await this.recordVersion(row);
    }
    return row ?? null;
  }

  private async recordVersion(row: SegmentRow): Promise<void> {
    await this.db.query(
      `/* segments.recordVersion */ INSERT INTO segment_versions (segment_id, version, rule)
       VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [row.id, row.version, JSON.stringify(row.rule)],
    );
  }

  /** Deletes a segment with its memberships; false when there was none. */
  async delete(id: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `/* segments.delete */ DELETE FROM segments WHERE id = $1`,
      [id],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Segments whose rules refer to `id` (which must therefore not be deleted). */
  async referrers(id: string): Promise<SegmentRow[]> {
    const { rows } = await this.db.query<SegmentRow>(
      `/* segments.referrers */ SELECT ${COLUMNS} FROM segments WHERE $1::uuid = ANY(refers_to)`,
      [id],
    );
    return rows;
  }

  /** Marks a full evaluation of `version` finished (unless the rule moved on meanwhile). */
  async markReady(id: string, version: number): Promise<void> {
    await this.db.query(
      `/* segments.markReady */ UPDATE segments SET status = 'ready', evaluated_version = $2
       WHERE id = $1 AND version = $2`,
      [id, version],
    );
  }

  /** Segments still building although their rule last changed over `ageMs` ago. */
  async abandoned(ageMs: number): Promise<SegmentRow[]> {
    const { rows } = await this.db.query<SegmentRow>(
      `/* segments.abandoned */ SELECT ${COLUMNS} FROM segments
       WHERE status = 'building' AND updated_at < now() - $1 * interval '1 millisecond'`,
      [ageMs],
    );
    return rows;
  }

  async versions(id: string): Promise<{ version: number; rule: Rule; createdAt: Date }[]> {
    const { rows } = await this.db.query<{ version: number; rule: Rule; createdAt: Date }>(
      `/* segments.versions */ SELECT version, rule, created_at AS "createdAt" FROM segment_versions
       WHERE segment_id = $1 ORDER BY version DESC`,
      [id],
    );
    return rows;
  }

  /** Customer ids after `after` in id order: the chunks of a full evaluation. */
  async customerChunk(after: string | null, size: number): Promise<string[]> {
    const { rows } = await this.db.query<{ id: string }>(
      `/* segments.customerChunk */ SELECT id::text FROM customers
       WHERE $1::uuid IS NULL OR id > $1::uuid ORDER BY id LIMIT $2`,
      [after, size],
    );
    return rows.map((r) => r.id);
  }

  /** Members who are no customer any more, or members a full pass has not met (stale ids). */
  async memberIds(segmentId: string, after: string | null, size: number): Promise<string[]> {
    const { rows } = await this.db.query<{ id: string }>(
      `/* segments.memberIds */ SELECT customer_id::text AS id FROM segment_memberships
       WHERE segment_id = $1 AND ($2::uuid IS NULL OR customer_id > $2::uuid)
       ORDER BY customer_id LIMIT $3`,
      [segmentId, after, size],
    );
    return rows.map((r) => r.id);
  }

  async customerCount(): Promise<number> {
    const { rows } = await this.db.query<{ n: string }>(
      `/* segments.customerCount */ SELECT count(*)::text AS n FROM customers`,
    );
    return Number(rows[0]?.n ?? 0);
  }
}
