import type { Queryable } from '../../datasources/postgres.js';
import type { ApiKey } from './access.type.js';
import type { Scope } from './access.kinds.js';

interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

/** A key as the authentication path needs it: who, and what it may do. */
export interface ActiveKey {
  id: string;
  scopes: Scope[];
}

export interface NewApiKey {
  name: string;
  keyHash: Buffer;
  prefix: string;
  scopes: readonly Scope[];
}

const COLUMNS = 'id, name, prefix, scopes, created_at, last_used_at, revoked_at';

/** PostgreSQL access for API keys; secrets never reach it, only their SHA-256 hashes. */
export class ApiKeyStore {
  constructor(private readonly db: Queryable) {}

  async insert(key: NewApiKey): Promise<ApiKey> {
    const { rows } = await this.db.query<ApiKeyRow>(
      /* sql */ `/* apiKey.insert */
      INSERT INTO api_keys (name, key_hash, prefix, scopes) VALUES ($1, $2, $3, $4::text[])
      RETURNING ${COLUMNS}`,
      [key.name, key.keyHash, key.prefix, key.scopes],
    );
    return toApiKey(rows[0]!);
  }

  /** Every key, revoked ones included, newest first. */
  async listAll(): Promise<ApiKey[]> {
    const { rows } = await this.db.query<ApiKeyRow>(/* sql */ `/* apiKey.listAll */
      SELECT ${COLUMNS} FROM api_keys ORDER BY created_at DESC, id DESC`);
    return rows.map(toApiKey);
  }

  /**
   * Revokes the key (a second revoke keeps the first time). Returns the key and its hash, so
   * the caller can drop the cached lookup; `null` when no key has this id.
   */
  async revoke(id: string): Promise<{ key: ApiKey; keyHash: Buffer } | null> {
    const { rows } = await this.db.query<ApiKeyRow & { key_hash: Buffer }>(
      /* sql */ `/* apiKey.revoke */
      UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1
      RETURNING ${COLUMNS}, key_hash`,
      [id],
    );
    const row = rows[0];
    return row ? { key: toApiKey(row), keyHash: row.key_hash } : null;
  }

  /**
   * The unrevoked key with this hash, marking it used. Runs only when the key cache misses, so
   * `last_used_at` costs one write per key per cache lifetime, not one per request.
   */
  async useByHash(keyHash: Buffer): Promise<ActiveKey | null> {
    const { rows } = await this.db.query<{ id: string; scopes: Scope[] }>(
      /* sql */ `/* apiKey.useByHash */
      UPDATE api_keys SET last_used_at = now()
      WHERE key_hash = $1 AND revoked_at IS NULL
      RETURNING id, scopes`,
      [keyHash],
    );
    const row = rows[0];
    return row ? { id: row.id, scopes: row.scopes } : null;
  }
}

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}
