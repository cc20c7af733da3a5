import { ErrorCode, GatewayError } from '../errors.js';
import { decodeCursor, encodeCursor } from './cursor.js';

type CursorParts = (string | number)[];

/**
 * The keyset position in an `after` cursor, or null when none was given. `parse` checks the
 * parts are this connection's and returns the position, or null for a foreign cursor, which
 * becomes a BAD_USER_INPUT error.
 */
export function readAfter<T>(
  after: string | null | undefined,
  parse: (parts: CursorParts) => T | null,
  message = 'after is not a cursor from this connection',
): T | null {
  // Omitted nullable arguments arrive as undefined, explicit nulls as null.
  if (after === null || after === undefined) {
    return null;
  }
  const parts = decodeCursor(after);
  const position = parts === null ? null : parse(parts);
  if (position === null) {
    throw new GatewayError(ErrorCode.BAD_USER_INPUT, message, {
      extensions: { argument: 'after' },
    });
  }
  return position;
}

/**
 * A Relay connection from the `first + 1` rows a store returned in page order: the extra row
 * only says that more follow.
 */
export function toConnection<R, N = R>(
  rows: readonly R[],
  first: number,
  cursorOf: (row: R) => CursorParts,
  nodeOf: (row: R) => N = (row) => row as unknown as N,
) {
  const edges = rows
    .slice(0, first)
    .map((row) => ({ cursor: encodeCursor(cursorOf(row)), node: nodeOf(row) }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
  };
}
