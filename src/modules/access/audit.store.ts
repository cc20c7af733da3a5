import type { Queryable } from '../../datasources/postgres.js';
import { GroupCommit } from '../../lib/group-commit.js';
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
    await this.appendMany([entry]);
  }

  /** Appends entries in one statement (one commit), in the given order. */
  async appendMany(entries: readonly AuditWrite[]): Promise<void> {
    await this.db.query(
      /* sql */ `/* audit.appendMany */
      INSERT INTO audit_log (action, key_id, subject_ids, request_id, details)
      SELECT e->>'action', (e->>'keyId')::uuid,
             ARRAY(SELECT jsonb_array_elements_text(e->'subjectIds'))::uuid[],
             e->>'requestId', e->'details'
      FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(e, n)
      ORDER BY n`,
      [JSON.stringify(entries)],
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

/**
 * The log the transports append to outside any transaction (every operation's `pii.read`
 * entry): concurrent appends share one INSERT and one commit, so under load the response path
 * waits for one WAL flush per group rather than one per request. Each append still resolves
 * only once its own entry is stored, so "withhold what was not audited" holds.
 */
export class GroupCommittedAuditStore extends AuditStore {
  private readonly group = new GroupCommit<AuditWrite>((entries) => this.appendMany(entries));

  override async append(entry: AuditWrite): Promise<void> {
    await this.group.add(entry);
  }
}
