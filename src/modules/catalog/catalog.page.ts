import { ErrorCode, GatewayError } from '../../errors.js';
import { decodeCursor, encodeCursor } from '../../lib/cursor.js';

/** The client key (SKU, external id) a cursor of a catalog connection holds, or null. */
export function parseKeyAfter(after: string | null | undefined): string | null {
  // Omitted nullable arguments arrive as undefined, explicit nulls as null.
  if (after === null || after === undefined) {
    return null;
  }
  const parts = decodeCursor(after);
  if (parts?.length !== 1 || typeof parts[0] !== 'string') {
    throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'after is not a cursor from this connection', {
      extensions: { argument: 'after' },
    });
  }
  return parts[0];
}

/**
 * A Relay connection from `first + 1` rows in key order: the extra row only says that more
 * follow.
 */
export function toConnection<T>(rows: readonly T[], first: number, keyOf: (node: T) => string) {
  const edges = rows.slice(0, first).map((node) => ({ cursor: encodeCursor([keyOf(node)]), node }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
  };
}
