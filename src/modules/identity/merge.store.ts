import type { Queryable } from '../../datasources/postgres.js';
import { ErrorCode, GatewayError } from '../../errors.js';

export type MergeCause = 'identify' | 'identity_conflict' | 'manual' | 'suggestion';

/** Why a merge happened and on whose word: kept with the merge (merge_records). */
export interface MergeProvenance {
  cause: MergeCause;
  /** The duplicate suggestion accepted, for cause `suggestion`. */
  suggestionId?: string | null;
  /** What the rule or model saw (per-field agreement and weights), as JSON. */
  evidence?: unknown;
  /** The API key that asked; null for merges the gateway made on its own rules. */
  apiKeyId?: string | null;
}

/** PostgreSQL side of merging one customer into another; run inside one transaction. */
export class MergeStore {
  constructor(private readonly tx: Queryable) {}

  /**
   * Moves everything `mergedId` holds to `survivorId` and deletes `mergedId`, recording the
   * merge so the old id keeps resolving. The survivor keeps its own traits and, per purpose,
   * whichever consent answer is newer. The merged customer's embedding is dropped (the
   * survivor's stays; preference vectors are recomputed from events later). Returns the id of
   * the merge record, which keeps the provenance and what unmergeCustomers needs to undo it.
   */
  async merge(
    mergedId: string,
    survivorId: string,
    provenance: MergeCause | MergeProvenance,
  ): Promise<string> {
    const {
      cause,
      suggestionId = null,
      evidence = null,
      apiKeyId = null,
    } = typeof provenance === 'string' ? { cause: provenance } : provenance;
    await this.lockPair(mergedId, survivorId);
    // Before anything moves: the merged row and consents, the survivor's profile as it was,
    // and which identities, events and merge chains are about to move.
    const { rows } = await this.tx.query<{ id: string }>(
      /* sql */ `/* merge.snapshot */
      INSERT INTO merge_records (merged_id, survivor_id, cause, suggestion_id, evidence, api_key_id,
        merged_row, merged_consents, survivor_before, moved_identities, moved_event_ids, flattened_ids)
      SELECT $1, $2, $3, $4, $5::jsonb, $6,
        (SELECT to_jsonb(m) FROM customers m WHERE m.id = $1),
        (SELECT COALESCE(jsonb_agg(to_jsonb(c)), '[]') FROM customer_consents c WHERE c.customer_id = $1),
        (SELECT jsonb_build_object('email', s.email, 'traits', s.traits,
            'interest_keywords', s.interest_keywords,
            'consents', (SELECT COALESCE(jsonb_agg(to_jsonb(c)), '[]')
                         FROM customer_consents c WHERE c.customer_id = $2))
         FROM customers s WHERE s.id = $2),
        (SELECT COALESCE(jsonb_agg(jsonb_build_object('type', i.type, 'value', i.value)), '[]')
         FROM identities i WHERE i.customer_id = $1),
        (SELECT COALESCE(array_agg(e.id ORDER BY e.id), '{}') FROM events e WHERE e.customer_id = $1),
        (SELECT COALESCE(array_agg(cm.merged_id), '{}') FROM customer_merges cm WHERE cm.survivor_id = $1)
      RETURNING id`,
      [mergedId, survivorId, cause, suggestionId, JSON.stringify(evidence), apiKeyId],
    );
    await this.tx.query(
      `/* merge.moveIdentities */ UPDATE identities SET customer_id = $2 WHERE customer_id = $1`,
      [mergedId, survivorId],
    );
    await this.tx.query(
      `/* merge.moveEvents */ UPDATE events SET customer_id = $2 WHERE customer_id = $1`,
      [mergedId, survivorId],
    );
    await this.tx.query(
      /* sql */ `/* merge.moveConsents */
      INSERT INTO customer_consents (customer_id, purpose, granted, source, updated_at)
      SELECT $2, purpose, granted, source, updated_at FROM customer_consents WHERE customer_id = $1
      ON CONFLICT ON CONSTRAINT customer_consents_pkey DO UPDATE
        SET granted = EXCLUDED.granted, source = EXCLUDED.source, updated_at = EXCLUDED.updated_at
        WHERE EXCLUDED.updated_at > customer_consents.updated_at`,
      [mergedId, survivorId],
    );
    await this.tx.query(
      /* sql */ `/* merge.combineTraits */
      UPDATE customers s
      SET traits = m.traits || s.traits,
          email = COALESCE(s.email, m.email),
          -- The survivor's declared interests first, then the merged one's, each once, bounded.
          interest_keywords = ARRAY(
            SELECT k FROM unnest(s.interest_keywords || m.interest_keywords) WITH ORDINALITY AS u(k, o)
            GROUP BY k ORDER BY min(o) LIMIT 50),
          updated_at = now()
      FROM customers m
      WHERE s.id = $2 AND m.id = $1`,
      [mergedId, survivorId],
    );
    await this.tx.query(
      `/* merge.flattenChains */ UPDATE customer_merges SET survivor_id = $2 WHERE survivor_id = $1`,
      [mergedId, survivorId],
    );
    await this.tx.query(
      `/* merge.record */ INSERT INTO customer_merges (merged_id, survivor_id, cause) VALUES ($1, $2, $3)`,
      [mergedId, survivorId, cause],
    );
    // Graph edges kept in PostgreSQL follow to the survivor as the graph's do (those between
    // the two go); the merged customer's own rows then cascade with it.
    await this.tx.query(
      /* sql */ `/* merge.moveGraphEdges */
      WITH relationships AS (
        INSERT INTO customer_relationships (type, from_id, to_id, created_at)
        SELECT type, CASE WHEN from_id = $1 THEN $2::uuid ELSE from_id END,
               CASE WHEN to_id = $1 THEN $2::uuid ELSE to_id END, created_at
        FROM customer_relationships
        WHERE (from_id = $1 AND to_id <> $2) OR (to_id = $1 AND from_id <> $2)
        ON CONFLICT ON CONSTRAINT customer_relationships_pkey DO NOTHING
      )
      INSERT INTO campaign_targets (customer_id, campaign_id, targeted_at)
      SELECT $2::uuid, campaign_id, targeted_at FROM campaign_targets WHERE customer_id = $1
      ON CONFLICT ON CONSTRAINT campaign_targets_pkey DO UPDATE
        SET targeted_at = GREATEST(campaign_targets.targeted_at, EXCLUDED.targeted_at)`,
      [mergedId, survivorId],
    );
    await this.tx.query(`/* merge.deleteMerged */ DELETE FROM customers WHERE id = $1`, [mergedId]);
    return rows[0]!.id;
  }

  /**
   * Locks the given customers FOR NO KEY UPDATE in id order (so two merges never deadlock) and
   * returns the ids that exist. That serialises merges, erasures and profile writes of them;
   * inserts that reference them (events, through their foreign key's FOR KEY SHARE lock) go on
   * until {@link merge} claims the customer it merges away.
   */
  async lockCustomers(ids: readonly string[]): Promise<Set<string>> {
    const { rows } = await this.tx.query<{ id: string }>(
      /* sql */ `/* merge.lockCustomers */
      SELECT id FROM customers WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE`,
      [ids],
    );
    return new Set(rows.map((row) => row.id));
  }

  /**
   * Before anything moves: both customers as in {@link lockCustomers}, then the merged one FOR
   * UPDATE. That conflicts with the FOR KEY SHARE lock an insert referencing it takes through
   * the foreign key, so no event (of an identity the merge did not lock) can reach the merged
   * customer between the moves below and its delete, where the cascade would drop it: such an
   * insert waits, then fails its foreign-key check and the event write resolves its identity
   * again (to the survivor). The survivor is not locked FOR UPDATE: events for it go on, and an
   * event batch holding it while waiting for the merged one cannot deadlock with the merge.
   *
   * @throws GatewayError CONFLICT when either customer no longer exists (merged or erased by a
   * concurrent writer); nothing has moved.
   */
  private async lockPair(mergedId: string, survivorId: string): Promise<void> {
    const found = await this.lockCustomers([mergedId, survivorId]);
    await this.tx.query(`/* merge.lockMerged */ SELECT 1 FROM customers WHERE id = $1 FOR UPDATE`, [
      mergedId,
    ]);
    const gone = [mergedId, survivorId].filter((id) => !found.has(id));
    if (gone.length > 0) {
      throw new GatewayError(
        ErrorCode.CONFLICT,
        `customer ${gone.join(', ')} was merged or erased meanwhile; retry`,
      );
    }
  }
}
