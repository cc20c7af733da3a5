/** Opaque keyset cursors: base64url of a small JSON tuple, so clients cannot depend on the shape. */
export function encodeCursor(parts: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/** The tuple inside a cursor, or `null` when it is not one of ours. */
export function decodeCursor(cursor: string): (string | number)[] | null {
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(parts) &&
      parts.every((p) => typeof p === 'string' || typeof p === 'number')
      ? parts
      : null;
  } catch {
    return null;
  }
}
