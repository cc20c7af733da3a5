import { isRecord, RowError } from './import.fields.js';
import { jsonBytes } from './import.requests.js';

/** Where a value is in a row: its key or index, under its parent's. */
interface Place {
  key: string | number;
  parent: Place | null;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The size of a row's input as JSON, once it is known the gateway can take it. PostgreSQL
 * stores no NUL character in text or jsonb and no half of a UTF-16 surrogate pair in jsonb; the
 * gateway would fail such a row with INTERNAL_SERVER_ERROR, so it is rejected here, naming the
 * field. A row nested too deeply to serialise is rejected too, instead of overflowing the stack.
 *
 * @throws RowError (BAD_USER_INPUT) for such a row.
 */
export function sendableBytes(input: unknown): number {
  rejectUnstorableText(input);
  try {
    return jsonBytes(input);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new RowError(
        `the row cannot be sent as JSON (${error.message}): is it nested too deeply?`,
      );
    }
    throw error;
  }
}

/** Walks the input without recursion: a deeply nested row must not overflow the stack here. */
function rejectUnstorableText(input: unknown): void {
  const pending: { value: unknown; place: Place | null }[] = [{ value: input, place: null }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, place } = next;
    if (typeof value === 'string') {
      checkText(value, () => describe(place));
    } else if (Array.isArray(value)) {
      value.forEach((item: unknown, key) =>
        pending.push({ value: item, place: { key, parent: place } }),
      );
    } else if (isRecord(value)) {
      for (const [key, item] of Object.entries(value)) {
        checkText(key, () => `a key in ${place ? describe(place) : 'the row'}`);
        pending.push({ value: item, place: { key, parent: place } });
      }
    }
  }
}

function checkText(text: string, where: () => string): void {
  if (text.includes('\u0000')) {
    throw new RowError(`${where()} holds a NUL character (\\u0000), which PostgreSQL cannot store`);
  }
  if (LONE_SURROGATE.test(text)) {
    throw new RowError(
      `${where()} holds half a UTF-16 surrogate pair (a lone \\ud800-\\udfff), which PostgreSQL cannot store`,
    );
  }
}

/** `properties.tags[2]` (a key that is not plain text quoted as JSON), cut short if deep. */
function describe(place: Place | null): string {
  const keys: (string | number)[] = [];
  for (let at = place; at !== null; at = at.parent) {
    keys.push(at.key);
  }
  const path = keys
    .reverse()
    .map((key, i) => {
      if (typeof key === 'number') {
        return `[${key}]`;
      }
      const text = /^[\w-]+$/.test(key) ? key : JSON.stringify(key);
      return i === 0 ? text : `.${text}`;
    })
    .join('');
  return path.length > 200 ? `${path.slice(0, 200)}…` : path || 'the row';
}
