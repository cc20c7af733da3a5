import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError, type GraphQLErrorOptions } from 'graphql';
import type { Logger } from 'pino';

/** The one vocabulary of `extensions.code` values a client can see. */
export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  GRAPHQL_VALIDATION_FAILED = 'GRAPHQL_VALIDATION_FAILED',
  GRAPHQL_PARSE_FAILED = 'GRAPHQL_PARSE_FAILED',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  /**
   * The id, identity or e-mail belongs to an erased customer: writes that would bring them back
   * are refused, and events for them are dropped (and counted).
   */
  SUPPRESSED = 'SUPPRESSED',
  /** A backing store did not answer in time or refused; only the fields needing it are null. */
  POSTGRES_UNAVAILABLE = 'POSTGRES_UNAVAILABLE',
  NEO4J_UNAVAILABLE = 'NEO4J_UNAVAILABLE',
  REDIS_UNAVAILABLE = 'REDIS_UNAVAILABLE',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

const PUBLIC_CODES = new Set<string>([
  ...Object.values(ErrorCode),
  // Apollo's own request-level codes are already safe to show.
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** A GraphQL error that carries a public {@link ErrorCode}. */
export class GatewayError extends GraphQLError {
  constructor(code: ErrorCode, message: string, options: GraphQLErrorOptions = {}) {
    super(message, { ...options, extensions: { ...options.extensions, code } });
    this.name = new.target.name;
  }
}

/** Which store a failure came from, so the client learns what is degraded and nothing more. */
export type StoreName = 'postgres' | 'neo4j' | 'redis';

const STORE_CODES: Record<StoreName, ErrorCode> = {
  postgres: ErrorCode.POSTGRES_UNAVAILABLE,
  neo4j: ErrorCode.NEO4J_UNAVAILABLE,
  redis: ErrorCode.REDIS_UNAVAILABLE,
};

/**
 * Turns a store failure that means "the store cannot answer now" (refused or lost connection,
 * deadline passed) into the public error naming that store; the cause is kept for logs. Any
 * other failure (a bug, a constraint) is returned unchanged, to be masked as internal.
 */
export function storeUnavailable(store: StoreName, cause: unknown): unknown {
  if (cause instanceof GatewayError || !isUnavailability(cause)) {
    return cause;
  }
  return new GatewayError(STORE_CODES[store], `${store} is unavailable`, {
    originalError: cause instanceof Error ? cause : new Error(String(cause)),
  });
}

/** PostgreSQL SQLSTATE classes and Neo4j driver codes that mean "not reachable right now". */
const UNAVAILABLE_PG_STATES = /^(08|57P0[1-3]|57014|53300)/;
const UNAVAILABLE_NEO4J_CODES = new Set(['ServiceUnavailable', 'SessionExpired']);
const UNAVAILABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
]);

function isUnavailability(error: unknown): boolean {
  if (!(error instanceof Error)) {
    return false;
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (UNAVAILABLE_SOCKET_CODES.has(code) || UNAVAILABLE_NEO4J_CODES.has(code)) {
      return true;
    }
    if (UNAVAILABLE_PG_STATES.test(code)) {
      return true;
    }
    if (code.startsWith('Neo.TransientError.')) {
      return true;
    }
  }
  // pg and ioredis report deadlines and closed connections by message only.
  return /timeout|timed out|Connection terminated|Connection is closed|connect ECONNREFUSED|Stream isn't writeable/i.test(
    error.message,
  );
}

/**
 * Builds Apollo's `formatError`: public codes pass through (without stack traces, whatever
 * NODE_ENV says); anything else is logged in full and replaced by a generic internal error.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.['code'];
    if (
      typeof code === 'string' &&
      PUBLIC_CODES.has(code) &&
      code !== ErrorCode.INTERNAL_SERVER_ERROR
    ) {
      return withoutStacktrace(formatted);
    }
    logger.error({ err: unwrapResolverError(error), path: formatted.path }, 'unexpected error');
    return {
      message: 'Internal server error',
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}

function withoutStacktrace(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (!formatted.extensions || !('stacktrace' in formatted.extensions)) {
    return formatted;
  }
  const { stacktrace: _dropped, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}

/** Ends an exhaustive switch; the compiler proves it unreachable. */
export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${String(value)}`);
}
