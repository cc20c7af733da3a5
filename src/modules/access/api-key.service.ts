import { createHash, randomBytes } from 'node:crypto';

import type { Postgres } from '../../datasources/postgres.js';
import type { RedisConnections } from '../../datasources/redis.js';
import { ErrorCode, GatewayError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { ApiKey } from './access.type.js';
import { AuditAction, type Scope, scopeFromName } from './access.kinds.js';
import { createKeyCache, type KeyCache } from './api-key.cache.js';
import { type ActiveKey, ApiKeyStore } from './api-key.store.js';
import { AuditStore } from './audit.store.js';

/** Who acts, for the audit log: a key over GraphQL, or (no key) the CLI or the gateway's start. */
export interface Actor {
  keyId: string | null;
  requestId: string | null;
  via: 'graphql' | 'cli' | 'startup';
}

const SECRET = /^c360_[0-9a-f]{8}_[\w-]{43}$/;

/** `c360_<8 hex prefix>_<32 random bytes, base64url>`: 256 bits of entropy, recognisable in leaks. */
function mintSecret(): { secret: string; prefix: string } {
  const prefix = `c360_${randomBytes(4).toString('hex')}`;
  return { secret: `${prefix}_${randomBytes(32).toString('base64url')}`, prefix };
}

/** SHA-256 of the secret: what is stored, looked up and cached. */
export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/**
 * Turns scope names as operators type them (`READ,READ_PII`, any case; `read:pii` too) into
 * scopes, or says which are bad.
 */
export function parseScopes(
  names: readonly string[],
): { ok: true; scopes: Scope[] } | { ok: false; unknown: string[] } {
  const scopes = names.map(scopeFromName);
  const unknown = names.filter((_, i) => scopes[i] === null);
  if (unknown.length > 0 || names.length === 0) {
    return { ok: false, unknown };
  }
  return { ok: true, scopes: [...new Set(scopes as Scope[])] };
}

/**
 * Creates, lists, revokes and checks API keys. Lookups go through a short-lived cache (Redis
 * when configured, so every instance sees a revoke at once); a cache that fails is skipped,
 * never trusted.
 */
export class ApiKeyService {
  private readonly keys: ApiKeyStore;

  constructor(
    private readonly db: Postgres,
    private readonly cache: KeyCache,
    private readonly logger: Logger,
  ) {
    this.keys = new ApiKeyStore(db);
  }

  /**
   * The active key behind this secret, or `null` when it is malformed, unknown or revoked.
   * The secret is looked up only by its hash; comparing hashes leaks nothing about the secret.
   *
   * @throws when PostgreSQL cannot answer (the caller refuses the request: never fail open).
   */
  async authenticate(secret: string): Promise<ActiveKey | null> {
    if (!SECRET.test(secret)) {
      return null;
    }
    const hash = hashSecret(secret);
    const hashHex = hash.toString('hex');
    const cached = await this.cache.get(hashHex);
    if (cached !== undefined) {
      return cached;
    }
    const key = await this.keys.useByHash(hash);
    await this.cache.remember(hashHex, key);
    return key;
  }

  /** Stores a new key and audits it in the same transaction; the secret is returned only here. */
  async create(
    name: string,
    scopes: readonly Scope[],
    actor: Actor,
  ): Promise<{ key: string; apiKey: ApiKey }> {
    const trimmed = name.trim();
    if (trimmed.length < 1 || trimmed.length > 100) {
      throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'name must be 1 to 100 characters', {
        extensions: { argument: 'name' },
      });
    }
    if (scopes.length === 0) {
      throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'a key needs at least one scope', {
        extensions: { argument: 'scopes' },
      });
    }
    const { secret, prefix } = mintSecret();
    const apiKey = await this.db.withTransaction(async (tx) => {
      const created = await new ApiKeyStore(tx).insert({
        name: trimmed,
        keyHash: hashSecret(secret),
        prefix,
        scopes: [...new Set(scopes)],
      });
      await new AuditStore(tx).append({
        action: AuditAction.KEY_CREATED,
        keyId: actor.keyId,
        subjectIds: [created.id],
        requestId: actor.requestId,
        details: { name: created.name, scopes: created.scopes, via: actor.via },
      });
      return created;
    });
    this.logger.info({ keyId: apiKey.id, prefix, scopes: apiKey.scopes }, 'api key created');
    return { key: secret, apiKey };
  }

  /**
   * Revokes a key and replaces its cached lookup, so the next request with it is refused on
   * every instance sharing the cache. Revoking a revoked key changes nothing.
   *
   * @throws GatewayError NOT_FOUND when no key has this id.
   */
  async revoke(id: string, actor: Actor): Promise<ApiKey> {
    const revoked = await this.db.withTransaction(async (tx) => {
      const result = await new ApiKeyStore(tx).revoke(id);
      if (result === null) {
        throw new GatewayError(ErrorCode.NOT_FOUND, `no API key with id ${id}`, {
          extensions: { argument: 'id' },
        });
      }
      await new AuditStore(tx).append({
        action: AuditAction.KEY_REVOKED,
        keyId: actor.keyId,
        subjectIds: [id],
        requestId: actor.requestId,
        details: { name: result.key.name, prefix: result.key.prefix, via: actor.via },
      });
      return result;
    });
    // After the commit: a lookup racing the revoke may have cached the key as active, and
    // this overwrites it. If the cache cannot be reached the revoke still stands: instances
    // that cannot reach it check PostgreSQL, and a stale entry expires within one TTL.
    try {
      await this.cache.markRevoked(revoked.keyHash.toString('hex'));
      this.logger.info({ keyId: id }, 'api key revoked');
    } catch (error) {
      this.logger.warn(
        { keyId: id, err: error instanceof Error ? error.message : String(error) },
        'api key revoked, but the key cache could not be updated; it may be accepted until its cache entry expires',
      );
    }
    return revoked.key;
  }

  list(): Promise<ApiKey[]> {
    return this.keys.listAll();
  }
}

/** Key checks cached for `keyCacheTtlMs` in Redis when there is one, else in this process. */
export function createApiKeyService(
  db: Postgres,
  redis: RedisConnections | null,
  keyCacheTtlMs: number,
  logger: Logger,
): ApiKeyService {
  const cache = createKeyCache(redis?.commands ?? null, keyCacheTtlMs, logger);
  return new ApiKeyService(db, cache, logger);
}
