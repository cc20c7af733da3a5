import type { Queryable } from '../../datasources/postgres.js';

/** What a payload says of a segment besides its id. */
export interface SegmentLabel {
  key: string;
  name: string;
}

/**
 * Reads the segment module's `segments` table, for validating subscriptions and labelling
 * payloads. Read-only: segments are the segment module's to write.
 */
export class SegmentLookupStore {
  constructor(private readonly db: Queryable) {}

  /** Key and name of each existing segment among `ids`. */
  async labelsByIds(ids: readonly string[]): Promise<Map<string, SegmentLabel>> {
    if (ids.length === 0) {
      return new Map();
    }
    const { rows } = await this.db.query<{ id: string; key: string; name: string }>(
      `/* segmentLookup.labelsByIds */ SELECT id, key, name FROM segments WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, { key: row.key, name: row.name }]));
  }
}
