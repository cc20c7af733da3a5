import type { Queryable } from '../../datasources/postgres.js';
import type { GraphEdge } from './merge-record.graph.js';
import type { MergeCause } from './merge.store.js';
import type { ConsentSnapshot, ProfileSnapshot } from './unmerge.rules.js';

/** A merge as recorded: provenance, and whether it was undone. */
export interface MergeRecord {
  id: string;
  mergedId: string;
  survivorId: string;
  cause: MergeCause;
  suggestionId: string | null;
  evidence: unknown;
  apiKeyId: string | null;
  mergedAt: Date;
  undoneAt: Date | null;
  undoneByKeyId: string | null;
  undoReport: unknown;
}

/** What undoing needs besides the provenance. */
export interface MergeSnapshot extends MergeRecord {
  mergedRow: (ProfileSnapshot & { id: string; display_name: string; created_at: string }) | null;
  mergedConsents: ConsentSnapshot[] | null;
  survivorBefore: (ProfileSnapshot & { consents: ConsentSnapshot[] }) | null;
  movedIdentities: { type: string; value: string }[] | null;
  movedEventIds: string[] | null;
  flattenedIds: string[] | null;
  mergedEdges: GraphEdge[] | null;
  survivorEdges: GraphEdge[] | null;
  scrubbedAt: Date | null;
}

interface MergeRecordRow {
  id: string;
  merged_id: string;
  survivor_id: string;
  cause: MergeCause;
  suggestion_id: string | null;
  evidence: unknown;
  api_key_id: string | null;
  merged_at: Date;
  undone_at: Date | null;
  undone_by_key_id: string | null;
  undo_report: unknown;
}

const RECORD_COLUMNS = `id, merged_id, survivor_id, cause, suggestion_id, evidence, api_key_id,
  merged_at, undone_at, undone_by_key_id, undo_report`;

function toRecord(row: MergeRecordRow): MergeRecord {
  return {
    id: row.id,
    mergedId: row.merged_id,
    survivorId: row.survivor_id,
    cause: row.cause,
    suggestionId: row.suggestion_id,
    evidence: row.evidence,
    apiKeyId: row.api_key_id,
    mergedAt: row.merged_at,
    undoneAt: row.undone_at,
    undoneByKeyId: row.undone_by_key_id,
    undoReport: row.undo_report,
  };
}

/** Merge records (provenance and undo snapshots) in PostgreSQL. */
export class MergeRecordStore {
  constructor(private readonly db: Queryable) {}

  async findByIds(ids: readonly string[]): Promise<MergeRecord[]> {
    const { rows } = await this.db.query<MergeRecordRow>(
      `/* mergeRecord.findByIds */ SELECT ${RECORD_COLUMNS} FROM merge_records WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return rows.map(toRecord);
  }

  /** Merges each customer took part in (either side), newest first. */
  async listByCustomerIds(customerIds: readonly string[]): Promise<MergeRecord[]> {
    const { rows } = await this.db.query<MergeRecordRow>(
      /* sql */ `/* mergeRecord.listByCustomerIds */
      SELECT ${RECORD_COLUMNS} FROM merge_records
      WHERE survivor_id = ANY($1::uuid[]) OR merged_id = ANY($1::uuid[])
      ORDER BY merged_at DESC, id`,
      [customerIds],
    );
    return rows.map(toRecord);
  }

  /** Which of these merges still lack their graph snapshot. */
  async withoutEdges(mergeIds: readonly string[]): Promise<string[]> {
    const { rows } = await this.db.query<{ id: string }>(
      `/* mergeRecord.withoutEdges */ SELECT id FROM merge_records WHERE id = ANY($1::uuid[]) AND merged_edges IS NULL`,
      [mergeIds],
    );
    return rows.map((row) => row.id);
  }

  /** Keeps the first capture only: a replayed message reads a graph that already moved. */
  async captureEdges(mergeId: string, merged: GraphEdge[], survivor: GraphEdge[]): Promise<void> {
    await this.db.query(
      /* sql */ `/* mergeRecord.captureEdges */
      UPDATE merge_records SET merged_edges = $2::jsonb, survivor_edges = $3::jsonb
      WHERE id = $1 AND merged_edges IS NULL`,
      [mergeId, JSON.stringify(merged), JSON.stringify(survivor)],
    );
  }

  /** The whole record, locked: unmerge decides and writes under this lock. */
  async lockSnapshot(id: string): Promise<MergeSnapshot | null> {
    const { rows } = await this.db.query<
      MergeRecordRow & {
        merged_row: MergeSnapshot['mergedRow'];
        merged_consents: MergeSnapshot['mergedConsents'];
        survivor_before: MergeSnapshot['survivorBefore'];
        moved_identities: MergeSnapshot['movedIdentities'];
        moved_event_ids: string[] | null;
        flattened_ids: string[] | null;
        merged_edges: GraphEdge[] | null;
        survivor_edges: GraphEdge[] | null;
        scrubbed_at: Date | null;
      }
    >(`/* mergeRecord.lockSnapshot */ SELECT * FROM merge_records WHERE id = $1 FOR UPDATE`, [id]);
    const row = rows[0];
    return row === undefined
      ? null
      : {
          ...toRecord(row),
          mergedRow: row.merged_row,
          mergedConsents: row.merged_consents,
          survivorBefore: row.survivor_before,
          movedIdentities: row.moved_identities,
          movedEventIds: row.moved_event_ids,
          flattenedIds: row.flattened_ids,
          mergedEdges: row.merged_edges,
          survivorEdges: row.survivor_edges,
          scrubbedAt: row.scrubbed_at,
        };
  }

  async markUndone(id: string, keyId: string | null, report: unknown): Promise<MergeRecord> {
    const { rows } = await this.db.query<MergeRecordRow>(
      /* sql */ `/* mergeRecord.markUndone */
      UPDATE merge_records SET undone_at = now(), undone_by_key_id = $2, undo_report = $3::jsonb
      WHERE id = $1 RETURNING ${RECORD_COLUMNS}`,
      [id, keyId, JSON.stringify(report)],
    );
    return toRecord(rows[0]!);
  }

  /**
   * An erasure leaves the provenance (who merged what, when, why) but drops every personal
   * value the snapshots held; such a merge can no longer be undone.
   */
  async scrub(customerIds: readonly string[]): Promise<void> {
    await this.db.query(
      /* sql */ `/* mergeRecord.scrub */
      UPDATE merge_records SET merged_row = NULL, merged_consents = NULL, survivor_before = NULL,
        moved_identities = NULL, evidence = NULL, scrubbed_at = now()
      WHERE (survivor_id = ANY($1::uuid[]) OR merged_id = ANY($1::uuid[])) AND scrubbed_at IS NULL`,
      [customerIds],
    );
  }
}
