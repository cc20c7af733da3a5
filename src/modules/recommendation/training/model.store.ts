import type { Queryable } from '../../../datasources/postgres.js';

/** The kinds of fitted model the gateway serves from. */
export type ModelKind = 'item-item' | 'text';

export interface StoredModel {
  kind: ModelKind;
  version: string;
  payload: Buffer;
  meta: Record<string, unknown>;
  createdAt: Date;
}

/** Fitted models as versioned binary payloads, so that every instance serves the same one. */
export class ModelStore {
  constructor(private readonly db: Queryable) {}

  /** Stores a model; storing a (kind, version) again makes it the newest once more. */
  async save(model: Omit<StoredModel, 'createdAt'>): Promise<void> {
    await this.db.query(
      /* sql */ `/* models.save */
      INSERT INTO recommendation_models (kind, version, payload, meta)
      VALUES ($1, $2, $3, $4::jsonb)
      ON CONFLICT ON CONSTRAINT recommendation_models_version_key DO UPDATE SET created_at = now()`,
      [model.kind, model.version, model.payload, JSON.stringify(model.meta)],
    );
    await this.prune(model.kind);
  }

  /**
   * Keeps the newest `keep` versions of a kind: enough for answers computed a moment ago to
   * still name a stored model, without payloads piling up on every refit.
   */
  async prune(kind: ModelKind, keep = 3): Promise<void> {
    await this.db.query(
      /* sql */ `/* models.prune */
      DELETE FROM recommendation_models
      WHERE kind = $1 AND id NOT IN (
        SELECT id FROM recommendation_models WHERE kind = $1 ORDER BY created_at DESC, id DESC LIMIT $2)`,
      [kind, keep],
    );
  }

  /** The newest version of each kind: a cheap check before loading a payload. */
  async newestVersions(): Promise<Map<ModelKind, string>> {
    const { rows } = await this.db.query<{
      kind: ModelKind;
      version: string;
    }>(/* sql */ `/* models.newestVersions */
      SELECT DISTINCT ON (kind) kind, version FROM recommendation_models
      ORDER BY kind, created_at DESC, id DESC`);
    return new Map(rows.map((row) => [row.kind, row.version]));
  }

  /** One stored model, payload included. */
  async load(kind: ModelKind, version: string): Promise<StoredModel | null> {
    const { rows } = await this.db.query<{
      version: string;
      payload: Buffer;
      meta: Record<string, unknown>;
      created_at: Date;
    }>(
      /* sql */ `/* models.load */
      SELECT version, payload, meta, created_at FROM recommendation_models
      WHERE kind = $1 AND version = $2`,
      [kind, version],
    );
    const row = rows[0];
    return row
      ? {
          kind,
          version: row.version,
          payload: row.payload,
          meta: row.meta,
          createdAt: row.created_at,
        }
      : null;
  }
}
