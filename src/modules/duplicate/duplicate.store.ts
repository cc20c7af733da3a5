import type { Queryable } from '../../datasources/postgres.js';
import {
  emailLocal,
  type LinkageProfile,
  nameTokens,
  phoneKey,
  postcodeKey,
} from './linkage.features.js';

export type SuggestionStatus = 'open' | 'accepted' | 'rejected';

/** One side's value of a compared field, as stored in a suggestion's evidence. */
export interface StoredEvidence {
  field: string;
  level: string;
  weight: number;
  left: { customerId: string; value: string | null };
  right: { customerId: string; value: string | null };
}

export interface Suggestion {
  id: string;
  customerA: string;
  customerB: string;
  confidence: number;
  matchWeight: number;
  evidence: StoredEvidence[];
  blockingKeys: string[];
  status: SuggestionStatus;
  createdAt: Date;
  updatedAt: Date;
  mergeId: string | null;
}

export interface NewSuggestion {
  customerA: string;
  customerB: string;
  confidence: number;
  matchWeight: number;
  evidence: StoredEvidence[];
  blockingKeys: string[];
}

interface SuggestionRow {
  id: string;
  customer_a: string;
  customer_b: string;
  confidence: number;
  match_weight: number;
  evidence: StoredEvidence[];
  blocking_keys: string[];
  status: SuggestionStatus;
  created_at: Date;
  updated_at: Date;
  merge_id: string | null;
}

interface ProfileRow {
  id: string;
  display_name: string;
  email: string | null;
  postcode: string | null;
  identities: string[];
  trait_phone: string | null;
  trait_devices: (string | null)[];
}

const COLUMNS = `id, customer_a, customer_b, confidence, match_weight, evidence, blocking_keys,
  status, created_at, updated_at, merge_id`;

function toSuggestion(row: SuggestionRow): Suggestion {
  return {
    id: row.id,
    customerA: row.customer_a,
    customerB: row.customer_b,
    confidence: row.confidence,
    matchWeight: row.match_weight,
    evidence: row.evidence,
    blockingKeys: row.blocking_keys,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    mergeId: row.merge_id,
  };
}

function toProfile(row: ProfileRow): LinkageProfile {
  const of = (type: string) =>
    row.identities.filter((i) => i.startsWith(`${type}:`)).map((i) => i.slice(type.length + 1));
  const emails = [...(row.email === null ? [] : [row.email]), ...of('email')];
  return {
    id: row.id,
    nameTokens: nameTokens(row.display_name),
    emailLocals: [...new Set(emails.map(emailLocal).filter((e) => e !== null))],
    phones: [
      ...new Set(
        [...of('phone'), ...(row.trait_phone === null ? [] : [row.trait_phone])]
          .map(phoneKey)
          .filter((p) => p !== null),
      ),
    ],
    postcode: postcodeKey(row.postcode),
    devices: [...new Set([...of('device_id'), ...row.trait_devices.filter((d) => d !== null)])],
  };
}

/** Duplicate suggestions and what the model reads of customers, in PostgreSQL. */
export class DuplicateStore {
  constructor(private readonly db: Queryable) {}

  /** One page of customers as the model sees them, in id order (keyset after `afterId`). */
  async profilesPage(afterId: string | null, limit: number): Promise<LinkageProfile[]> {
    const { rows } = await this.db.query<ProfileRow>(
      /* sql */ `/* duplicate.profilesPage */
      SELECT c.id::text, c.display_name, c.email,
        COALESCE(c.traits->>'postcode', c.traits->>'postalCode', c.traits->>'postal_code',
                 c.traits->>'zip') AS postcode,
        COALESCE((SELECT array_agg(i.type || ':' || i.value) FROM identities i
                  WHERE i.customer_id = c.id AND i.type IN ('email', 'phone', 'device_id')),
                 '{}') AS identities,
        c.traits->>'phone' AS trait_phone,
        -- Devices are identities of one customer only, so a device shared by two people shows
        -- in their traits (deviceId, devices), as a CRM or an app reports it.
        ARRAY(SELECT jsonb_array_elements_text(CASE jsonb_typeof(c.traits->'devices')
                WHEN 'array' THEN c.traits->'devices' ELSE '[]'::jsonb END))
          || (c.traits->>'deviceId') AS trait_devices
      FROM customers c
      WHERE $1::uuid IS NULL OR c.id > $1::uuid
      ORDER BY c.id
      LIMIT $2`,
      [afterId, limit],
    );
    return rows.map(toProfile);
  }

  async countCustomers(): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      `/* duplicate.countCustomers */ SELECT count(*)::int AS n FROM customers`,
    );
    return rows[0]!.n;
  }

  /** Pairs decided already (rejected, or accepted): a scan never suggests them again. */
  async decidedPairs(): Promise<Set<string>> {
    const { rows } = await this.db.query<{ a: string; b: string }>(
      `/* duplicate.decidedPairs */ SELECT customer_a::text AS a, customer_b::text AS b FROM duplicate_suggestions WHERE status <> 'open'`,
    );
    return new Set(rows.map((row) => `${row.a} ${row.b}`));
  }

  /**
   * Replaces the open suggestions with this scan's, keeping the id of a pair suggested before
   * (a client may hold it); a decided pair is never touched. One transaction.
   */
  async replaceOpen(suggestions: readonly NewSuggestion[]): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      /* sql */ `/* duplicate.replaceOpen */
      WITH scan AS (SELECT now() AS at),
      fresh AS (
        INSERT INTO duplicate_suggestions AS d
          (customer_a, customer_b, confidence, match_weight, evidence, blocking_keys, created_at, updated_at)
        SELECT s.a, s.b, s.confidence, s.weight, s.evidence, s.keys, scan.at, scan.at
        FROM scan, jsonb_to_recordset($1::jsonb)
          AS s(a uuid, b uuid, confidence float8, weight float8, evidence jsonb, keys text[])
        ON CONFLICT ON CONSTRAINT duplicate_suggestions_pair_key DO UPDATE
          SET confidence = EXCLUDED.confidence, match_weight = EXCLUDED.match_weight,
              evidence = EXCLUDED.evidence, blocking_keys = EXCLUDED.blocking_keys,
              updated_at = EXCLUDED.updated_at
          WHERE d.status = 'open'
        RETURNING d.id
      ),
      stale AS (
        DELETE FROM duplicate_suggestions d USING scan
        WHERE d.status = 'open' AND d.updated_at < scan.at AND d.id NOT IN (SELECT id FROM fresh)
      )
      SELECT count(*)::int AS n FROM fresh`,
      [
        JSON.stringify(
          suggestions.map((s) => ({
            a: s.customerA,
            b: s.customerB,
            confidence: s.confidence,
            weight: s.matchWeight,
            evidence: s.evidence,
            keys: s.blockingKeys,
          })),
        ),
      ],
    );
    return rows[0]!.n;
  }

  /**
   * Open suggestions at or above `minConfidence` whose customers both still exist, most
   * confident first; `first + 1` rows after the keyset position.
   */
  async listOpen(
    minConfidence: number,
    first: number,
    after: { confidence: number; id: string } | null,
  ): Promise<Suggestion[]> {
    const { rows } = await this.db.query<SuggestionRow>(
      /* sql */ `/* duplicate.listOpen */
      SELECT ${COLUMNS} FROM duplicate_suggestions d
      WHERE d.status = 'open' AND d.confidence >= $1
        AND ($3::float8 IS NULL OR (d.confidence, d.id) < ($3, $4::uuid))
        AND EXISTS (SELECT 1 FROM customers c WHERE c.id = d.customer_a)
        AND EXISTS (SELECT 1 FROM customers c WHERE c.id = d.customer_b)
      ORDER BY d.confidence DESC, d.id DESC
      LIMIT $2`,
      [minConfidence, first + 1, after?.confidence ?? null, after?.id ?? null],
    );
    return rows.map(toSuggestion);
  }

  async lockById(id: string): Promise<Suggestion | null> {
    const { rows } = await this.db.query<SuggestionRow>(
      `/* duplicate.lockById */ SELECT ${COLUMNS} FROM duplicate_suggestions WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return rows[0] === undefined ? null : toSuggestion(rows[0]);
  }

  async decide(
    id: string,
    status: 'accepted' | 'rejected',
    keyId: string | null,
    mergeId: string | null,
  ): Promise<Suggestion> {
    const { rows } = await this.db.query<SuggestionRow>(
      /* sql */ `/* duplicate.decide */
      UPDATE duplicate_suggestions
      SET status = $2, decided_at = now(), decided_by_key_id = $3, merge_id = $4, updated_at = now()
      WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, status, keyId, mergeId],
    );
    return toSuggestion(rows[0]!);
  }

  /** The older of two customers (it survives an accepted suggestion), or null if one is gone. */
  async olderOf(a: string, b: string): Promise<{ older: string; newer: string } | null> {
    const { rows } = await this.db.query<{ id: string }>(
      `/* duplicate.olderOf */ SELECT id::text FROM customers WHERE id = ANY($1::uuid[]) ORDER BY created_at, id`,
      [[a, b]],
    );
    return rows.length === 2 ? { older: rows[0]!.id, newer: rows[1]!.id } : null;
  }

  /** An erased customer's suggestions go with it, decided ones included. */
  async deleteForCustomers(customerIds: readonly string[]): Promise<void> {
    await this.db.query(
      /* sql */ `/* duplicate.deleteForCustomers */
      DELETE FROM duplicate_suggestions
      WHERE customer_a = ANY($1::uuid[]) OR customer_b = ANY($1::uuid[])`,
      [customerIds],
    );
  }
}
