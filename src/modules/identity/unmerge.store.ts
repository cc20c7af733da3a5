import type { Queryable } from '../../datasources/postgres.js';
import type { ConsentSnapshot, ProfileSnapshot } from './unmerge.rules.js';

/** PostgreSQL side of undoing one merge; run inside one transaction, under the record's lock. */
export class UnmergeStore {
  constructor(private readonly tx: Queryable) {}

  /** The survivor's profile and consents now, locked; null when it no longer exists. */
  async lockSurvivor(
    id: string,
  ): Promise<(ProfileSnapshot & { consents: ConsentSnapshot[] }) | null> {
    const { rows } = await this.tx.query<ProfileSnapshot & { consents: ConsentSnapshot[] }>(
      /* sql */ `/* unmerge.lockSurvivor */
      SELECT s.email, s.traits, s.interest_keywords,
        (SELECT COALESCE(jsonb_agg(to_jsonb(c)), '[]') FROM customer_consents c
         WHERE c.customer_id = s.id) AS consents
      FROM customers s WHERE s.id = $1 FOR UPDATE`,
      [id],
    );
    return rows[0] ?? null;
  }

  async customerExists(id: string): Promise<boolean> {
    const { rows } = await this.tx.query(
      `/* unmerge.customerExists */ SELECT 1 FROM customers WHERE id = $1`,
      [id],
    );
    return rows.length > 0;
  }

  /** Where a customer merged away went (its current survivor), or null. */
  async survivorOf(id: string): Promise<string | null> {
    const { rows } = await this.tx.query<{ survivor_id: string }>(
      `/* unmerge.survivorOf */ SELECT survivor_id FROM customer_merges WHERE merged_id = $1`,
      [id],
    );
    return rows[0]?.survivor_id ?? null;
  }

  /** The merged customer's row again, with its id, name, profile and creation time. */
  async recreateCustomer(mergeId: string): Promise<string> {
    const { rows } = await this.tx.query<{ display_name: string }>(
      /* sql */ `/* unmerge.recreateCustomer */
      INSERT INTO customers (id, display_name, email, traits, interest_keywords, created_at, updated_at)
      SELECT (r.merged_row->>'id')::uuid, r.merged_row->>'display_name', r.merged_row->>'email',
        r.merged_row->'traits',
        ARRAY(SELECT jsonb_array_elements_text(r.merged_row->'interest_keywords')),
        (r.merged_row->>'created_at')::timestamptz, now()
      FROM merge_records r WHERE r.id = $1
      RETURNING display_name`,
      [mergeId],
    );
    return rows[0]!.display_name;
  }

  async updateSurvivorProfile(id: string, profile: ProfileSnapshot): Promise<string> {
    const { rows } = await this.tx.query<{ display_name: string }>(
      /* sql */ `/* unmerge.updateSurvivorProfile */
      UPDATE customers SET email = $2, traits = $3::jsonb, interest_keywords = $4, updated_at = now()
      WHERE id = $1 RETURNING display_name`,
      [id, profile.email, JSON.stringify(profile.traits), profile.interest_keywords],
    );
    return rows[0]!.display_name;
  }

  /** Moves back the identities the merge moved that the survivor still holds; returns them. */
  async moveIdentitiesBack(
    restoredId: string,
    survivorId: string,
    identities: readonly { type: string; value: string }[],
  ): Promise<number> {
    const { rowCount } = await this.tx.query(
      /* sql */ `/* unmerge.moveIdentitiesBack */
      UPDATE identities i SET customer_id = $1
      FROM jsonb_to_recordset($3::jsonb) AS m(type text, value text)
      WHERE i.type = m.type AND i.value = m.value AND i.customer_id = $2`,
      [restoredId, survivorId, JSON.stringify(identities)],
    );
    return rowCount ?? 0;
  }

  /** Identities the survivor gained after the merge: they stay with it (reported). */
  async identitiesSince(survivorId: string, since: Date): Promise<number> {
    const { rows } = await this.tx.query<{ n: number }>(
      `/* unmerge.identitiesSince */ SELECT count(*)::int AS n FROM identities WHERE customer_id = $1 AND created_at > $2`,
      [survivorId, since],
    );
    return rows[0]!.n;
  }

  /** Moves back the events the merge moved; returns their message ids. */
  async moveEventsBack(restoredId: string, survivorId: string, eventIds: readonly string[]) {
    const { rows } = await this.tx.query<{ message_id: string }>(
      /* sql */ `/* unmerge.moveEventsBack */
      UPDATE events SET customer_id = $1 WHERE id = ANY($3::bigint[]) AND customer_id = $2
      RETURNING message_id`,
      [restoredId, survivorId, eventIds],
    );
    return rows.map((row) => row.message_id);
  }

  /**
   * Events stored on the survivor after the merge go with the restored customer when they
   * belong to one of its sessions (a session seen among its own events); the rest stay. Events
   * do not record the identity they came with, so the session is the rule.
   */
  async assignEventsSince(
    restoredId: string,
    survivorId: string,
    since: Date,
  ): Promise<{ moved: string[]; kept: number }> {
    const { rows } = await this.tx.query<{ message_id: string }>(
      /* sql */ `/* unmerge.assignEventsSince */
      UPDATE events e SET customer_id = $1
      WHERE e.customer_id = $2 AND e.received_at > $3 AND e.session_id IN (
        SELECT DISTINCT r.session_id FROM events r
        WHERE r.customer_id = $1 AND r.session_id IS NOT NULL)
      RETURNING e.message_id`,
      [restoredId, survivorId, since],
    );
    const { rows: kept } = await this.tx.query<{ n: number }>(
      `/* unmerge.eventsKeptSince */ SELECT count(*)::int AS n FROM events WHERE customer_id = $1 AND received_at > $2`,
      [survivorId, since],
    );
    return { moved: rows.map((row) => row.message_id), kept: kept[0]!.n };
  }

  async insertConsents(customerId: string, consents: readonly ConsentSnapshot[]): Promise<void> {
    await this.tx.query(
      /* sql */ `/* unmerge.insertConsents */
      INSERT INTO customer_consents (customer_id, purpose, granted, source, updated_at)
      SELECT $1, c.purpose, c.granted, c.source, c.updated_at
      FROM jsonb_to_recordset($2::jsonb) AS c(purpose text, granted boolean, source text, updated_at timestamptz)
      ON CONFLICT ON CONSTRAINT customer_consents_pkey DO NOTHING`,
      [customerId, JSON.stringify(consents)],
    );
  }

  /** Puts back one survivor answer the merge overwrote (null: the survivor had none). */
  async restoreConsent(customerId: string, purpose: string, own: ConsentSnapshot | null) {
    if (own === null) {
      await this.tx.query(
        `/* unmerge.deleteConsent */ DELETE FROM customer_consents WHERE customer_id = $1 AND purpose = $2`,
        [customerId, purpose],
      );
      return;
    }
    await this.tx.query(
      /* sql */ `/* unmerge.restoreConsent */
      UPDATE customer_consents SET granted = $3, source = $4, updated_at = $5
      WHERE customer_id = $1 AND purpose = $2`,
      [customerId, purpose, own.granted, own.source, own.updated_at],
    );
  }

  /**
   * The merged id stops resolving to the survivor, and ids that had been merged into it (and
   * were flattened onto the survivor) resolve to it again.
   */
  async restoreMergeChain(restoredId: string, survivorId: string, flattened: readonly string[]) {
    await this.tx.query(
      `/* unmerge.forgetMerge */ DELETE FROM customer_merges WHERE merged_id = $1`,
      [restoredId],
    );
    const { rowCount } = await this.tx.query(
      /* sql */ `/* unmerge.restoreChains */
      UPDATE customer_merges SET survivor_id = $1
      WHERE merged_id = ANY($3::uuid[]) AND survivor_id = $2`,
      [restoredId, survivorId, flattened],
    );
    return rowCount ?? 0;
  }
}
