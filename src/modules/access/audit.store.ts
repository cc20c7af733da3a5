import type { Queryable } from '../../datasources/postgres.js';
import type { AuditEntry } from './access.type.js';
import type { AuditAction } from './access.kinds.js';

interface AuditRow {
  id: string;
  at: Date;
  key_id: string | null;
  action: AuditAction;
  subject_ids: string[];
  request_id: string | null;
  details: Record<string, unknown>;
}

/** One entry to append; `keyId` is null for an operator at the command line. */
export interface AuditWrite {
  action: AuditAction;
  keyId: string | null;
  subjectIds: readonly string[];
  requestId: string | null;
  details: Record<string, unknown>;
}

export interface AuditQuery {
  action: AuditAction | null;
  subjectId: string | null;
  from: Date | null;
  to: Date | null;
  /** Only entries older than this id (keyset pagination, newest first). */
  beforeId: string | null;
  limit: number;
}

/** The append-only audit log in PostgreSQL (the table refuses UPDATE and DELETE). */
export class AuditStore {
  constructor(private readonly db: Queryable) {}

  async append(entry: AuditWrite): Promise<void> {
    await this.db.query(
      /* sql */ `/* audit.append */
      INSERT INTO audit_log (action, key_id, subject_ids, request_id, details)
      VALUES ($1, $2, $3::uuid[], $4, $5::jsonb)`,
      [entry.action, entry.keyId, entry.subjectIds, entry.requestId, JSON.stringify(entry.details)],
    );
  }

  /** Entries matching every given condition, newest first. */
  async list(query: AuditQuery): Promise<AuditEntry[]> {
    const { rows } = await this.db.query<AuditRow>(
      /* sql */ `/* audit.list */
      SELECT id, at, key_id, action, subject_ids, request_id, details
      FROM audit_log
      WHERE ($1::text IS NULL OR action = $1)
        AND ($2::uuid IS NULL OR subject_ids @> ARRAY[$2::uuid])
        AND ($3::timestamptz IS NULL OR at >= $3)
        AND ($4::timestamptz IS NULL OR at < $4)
        AND ($5::bigint IS NULL OR id < $5)
      ORDER BY id DESC
      LIMIT $6`,
      [query.action, query.subjectId, query.from, query.to, query.beforeId, query.limit],
    );
    return rows.map((row) => ({
      id: String(row.id),
      at: row.at,
      keyId: row.key_id,
      action: row.action,
      subjectIds: row.subject_ids,
      requestId: row.request_id,
      details: row.details,
    }));
  }
}
