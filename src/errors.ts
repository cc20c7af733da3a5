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
  /** The customer withdrew consent for the processing asked for; nothing was done. */
  CONSENT_WITHDRAWN = 'CONSENT_WITHDRAWN',
  /** Too many requests from this key or address; retry after `extensions.retryAfter` seconds. */
  RATE_LIMITED = 'RATE_LIMITED',
  /** A subscription was sent over plain HTTP; it runs over graphql-ws on the same path. */
  SUBSCRIPTION_NEEDS_GRAPHQL_WS = 'SUBSCRIPTION_NEEDS_GRAPHQL_WS',
  /** The gateway is saturated (every database connection busy); retry after a moment. */
  OVERLOADED = 'OVERLOADED',
  /** A backing store did not answer in time or refused; only the fields needing it are null. */
  POSTGRES_UNAVAILABLE = 'POSTGRES_UNAVAILABLE',
  NEO4J_UNAVAILABLE = 'NEO4J_UNAVAILABLE',
  REDIS_UNAVAILABLE = 'REDIS_UNAVAILABLE',
  /**
   * A segment rule cannot be stored: an unknown operator or field, a window out of range, a
   * rule that would scan without bound (`extensions.reason`, `extensions.path`).
   */
  INVALID_SEGMENT_RULE = 'INVALID_SEGMENT_RULE',
  /** A segment would refer to itself through other segments (`extensions.cycle`). */
  SEGMENT_CYCLE = 'SEGMENT_CYCLE',
  /** A resume cursor is older than the change feed keeps (CHANGE_FEED_RETENTION_DAYS). */
  CURSOR_EXPIRED = 'CURSOR_EXPIRED',
  /** A subscriber fell too far behind; subscribe again with the last cursor it received. */
  SUBSCRIBER_TOO_SLOW = 'SUBSCRIBER_TOO_SLOW',
  /**
   * The language model did not answer in time, kept failing or answered nonsense
   * (`extensions.reason`: TIMEOUT, FAILED, INVALID_OUTPUT); nothing was cached.
   */
  MODEL_UNAVAILABLE = 'MODEL_UNAVAILABLE',
  /**
   * A merge cannot be undone (`extensions.reason`): ALREADY_UNDONE, ERASED (either side was
   * erased since), CHAINED (the survivor was merged into another customer since; undo that
   * first) or IN_FLIGHT (the stores are still following the merge; retry shortly). Nothing
   * was written.
   */
  MERGE_NOT_REVERSIBLE = 'MERGE_NOT_REVERSIBLE',
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
 * Turns a store failure into the public error it stands for; the cause is kept for logs.
 * - "The store cannot answer now" (refused or lost connection, deadline passed): the error
 *   naming that store (POSTGRES_UNAVAILABLE, ...).
 * - PostgreSQL refusing a value (SQLSTATE class 22: a NUL byte in text, a number out of range,
 *   an unparsable date): BAD_USER_INPUT, since only input reaches a statement as a value.
 * Anything else (a bug, a constraint) is returned unchanged, to be masked as internal.
 */
export function storeUnavailable(store: StoreName, cause: unknown): unknown {
  if (cause instanceof GatewayError) {
    return cause;
  }
  const originalError = cause instanceof Error ? cause : new Error(String(cause));
  if (store === 'postgres' && isDataException(cause)) {
    return new GatewayError(
      ErrorCode.BAD_USER_INPUT,
      'a value cannot be stored or compared as given (e.g. it contains a NUL character, or a number is out of range)',
      { originalError },
    );
  }
  if (!isUnavailability(cause)) {
    return cause;
  }
  return new GatewayError(STORE_CODES[store], `${store} is unavailable`, { originalError });
}

function isDataException(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
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
    if (isVariableErrorLimit(formatted)) {
      return { ...formatted, extensions: { code: ErrorCode.BAD_USER_INPUT } };
    }
    const code = formatted.extensions?.['code'];
    if (
      typeof code === 'string' &&
      PUBLIC_CODES.has(code) &&
      code !== ErrorCode.INTERNAL_SERVER_ERROR
    ) {
      return publicForm(formatted);
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

/**
 * graphql-js stops coercing variables after 50 problems with an error of its own that carries
 * no code (Apollo codes the 50 before it): the client's input, not an internal failure. A deep
 * segment rule with many mistakes reaches it.
 */
function isVariableErrorLimit(formatted: GraphQLFormattedError): boolean {
  return (
    formatted.path === undefined &&
    // Apollo codes every uncoded error INTERNAL_SERVER_ERROR before formatting it.
    [undefined, ErrorCode.INTERNAL_SERVER_ERROR].includes(
      formatted.extensions?.['code'] as ErrorCode | undefined,
    ) &&
    formatted.message.startsWith('Too many errors processing variables')
  );
}

/**
 * What a client may see of a public error: no stack trace, and validation details without the
 * input they were given (class-validator puts the whole input object in `target` and the
 * offending value in `value`, personal fields included).
 */
function publicForm(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (!formatted.extensions) {
    return formatted;
  }
  const { stacktrace: _dropped, validationErrors, ...extensions } = formatted.extensions;
  return {
    ...formatted,
    message: withoutEchoedValue(formatted.message),
    extensions: {
      ...extensions,
      ...(Array.isArray(validationErrors)
        ? { validationErrors: validationErrors.map(withoutInput) }
        : {}),
    },
  };
}

/**
 * graphql-js names the value it could not coerce (`Variable "$input" got invalid value
 * {...} at "input.traits"; ...`), personal fields included: keep where and why, not what.
 */
function withoutEchoedValue(message: string): string {
  return message.replace(
    / got invalid value [\s\S]*?(?=( at "[\w.[\]]+";)|;|$)/,
    ' got an invalid value',
  );
}

interface ValidationDetail {
  property?: unknown;
  constraints?: unknown;
  children?: unknown;
}

/** Which property broke which rule, recursively, and nothing of the values themselves. */
function withoutInput(detail: ValidationDetail): ValidationDetail {
  return {
    property: detail.property,
    constraints: detail.constraints,
    children: Array.isArray(detail.children) ? detail.children.map(withoutInput) : [],
  };
}

/** Ends an exhaustive switch; the compiler proves it unreachable. */
export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${String(value)}`);
}
