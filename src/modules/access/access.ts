import { ErrorCode, GatewayError, storeUnavailable } from '../../errors.js';
import { Scope, scopeName } from './access.kinds.js';
import type { ApiKeyService } from './api-key.service.js';

/** The key behind an operation. */
export interface Viewer {
  keyId: string;
  scopes: ReadonlySet<Scope>;
}

/** Why an operation has no viewer. */
export type AccessFailure = 'missing' | 'invalid' | 'unavailable';

/**
 * Who is asking, for one operation, and which personal data it read unmasked. Built before
 * execution from the `Authorization` header (HTTP) or `connection_init` payload (graphql-ws);
 * a request without a valid key still parses and validates, and every field that needs a
 * scope then fails with UNAUTHENTICATED.
 */
export class Access {
  private readonly piiSubjects = new Set<string>();
  private readonly piiFields = new Set<string>();
  /** Why the last check failed, for the error raised by require(); never logged with the key. */
  private cause: unknown = null;

  private constructor(
    private viewerOrNull: Viewer | null,
    private failureOrNull: AccessFailure | null,
    private readonly secret: string | null,
    private readonly apiKeys: ApiKeyService | null,
  ) {}

  /** No key was offered (also the context of internal checks that need none). */
  static anonymous(): Access {
    return new Access(null, 'missing', null, null);
  }

  /**
   * The gateway itself (the read model's builds): every scope, no key. Never given to a caller.
   */
  static internal(): Access {
    return new Access(
      { keyId: 'c360-internal', scopes: new Set(Object.values(Scope)) },
      null,
      null,
      null,
    );
  }

  /**
   * Checks `Bearer <key>`. Never throws: a PostgreSQL outage while checking becomes the
   * `unavailable` failure, reported by the first field that needs a scope.
   */
  static async authenticate(
    apiKeys: ApiKeyService,
    authorization: string | null | undefined,
  ): Promise<Access> {
    const secret = bearerSecret(authorization);
    if (secret === null) {
      return new Access(null, authorization ? 'invalid' : 'missing', null, apiKeys);
    }
    const access = new Access(null, 'invalid', secret, apiKeys);
    await access.revalidate();
    return access;
  }

  get viewer(): Viewer | null {
    return this.viewerOrNull;
  }

  get failure(): AccessFailure | null {
    return this.failureOrNull;
  }

  /** Checks the key again (cached lookup): a long-running subscription stops on revoke. */
  async revalidate(): Promise<void> {
    if (this.secret === null || this.apiKeys === null) {
      return;
    }
    try {
      const key = await this.apiKeys.authenticate(this.secret);
      this.viewerOrNull = key ? { keyId: key.id, scopes: new Set(key.scopes) } : null;
      this.failureOrNull = key ? null : 'invalid';
    } catch (error) {
      this.viewerOrNull = null;
      this.failureOrNull = 'unavailable';
      this.cause = error;
    }
  }

  has(scope: Scope): boolean {
    return this.viewerOrNull?.scopes.has(scope) ?? false;
  }

  /**
   * @throws GatewayError UNAUTHENTICATED without a valid key, FORBIDDEN when the key lacks
   *   `scope`, POSTGRES_UNAVAILABLE when the key could not be checked.
   */
  require(scope: Scope): Viewer {
    const viewer = this.viewerOrNull;
    if (viewer === null) {
      if (this.failureOrNull === 'unavailable') {
        throw storeUnavailable('postgres', this.cause);
      }
      throw new GatewayError(
        ErrorCode.UNAUTHENTICATED,
        this.failureOrNull === 'missing'
          ? 'an API key is required: send `Authorization: Bearer <key>`'
          : 'the API key is unknown or revoked',
      );
    }
    if (!viewer.scopes.has(scope)) {
      const name = scopeName(scope);
      throw new GatewayError(
        ErrorCode.FORBIDDEN,
        `this API key lacks the ${name} scope; an admin key can create one that has it (createApiKey, or \`c360 keys create --scopes ${name},...\`)`,
        { extensions: { requiredScope: name } },
      );
    }
    return viewer;
  }

  /** Notes that this operation read `coordinate` (e.g. `Customer.email`) of a customer, unmasked. */
  recordPiiRead(subjectId: string, coordinate: string): void {
    this.piiSubjects.add(subjectId);
    this.piiFields.add(coordinate);
  }

  /** The unmasked reads noted since the last call (then forgets them), or null when none. */
  takePiiReads(): { subjectIds: string[]; fields: string[] } | null {
    if (this.piiSubjects.size === 0) {
      return null;
    }
    const reads = { subjectIds: [...this.piiSubjects].sort(), fields: [...this.piiFields].sort() };
    this.piiSubjects.clear();
    this.piiFields.clear();
    return reads;
  }
}

/** The key from `Bearer <key>` (scheme case-insensitive), or null when absent or malformed. */
function bearerSecret(authorization: string | null | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1] ?? null;
}
