import v8 from 'node:v8';

import { HELD_LOADERS, keyString } from './held-query.js';

/** One loader result a document holds. */
export interface HeldEntry {
  loader: string;
  key: string;
  value: unknown;
  /** Whose data it is (see HELD_LOADERS), noted while building; not stored. */
  owner?: string | null;
}

/**
 * A document: the results the held query's loaders returned for one customer, as they were.
 * Serialised with node:v8 rather than JSON so Dates (and anything else a store returns) come
 * back exactly; the format is stable across Node versions. Each value is encoded on its own,
 * so a read decodes only the entries it uses: a document holds several page sizes and walks,
 * a read uses one of each, and decoding was the largest cost of a read from documents.
 */
export function encodeDocument(entries: readonly HeldEntry[]): Buffer {
  return v8.serialize(entries.map((e) => [e.loader, e.key, v8.serialize(e.value)]));
}

/**
 * A stored document as every request of an instance shares it while it is current: its entries
 * are split once, and each value is decoded the first time any request reads it. Decoded values
 * are frozen, as a request must never change what later requests will read.
 */
export class DecodedDocument {
  private readonly entries = new Map<string, { encoded: Buffer } | { value: unknown }>();

  constructor(
    readonly version: string,
    /** Bytes stored: what the document costs a cache. */
    readonly size: number,
    doc: Buffer,
    /** When it was built, by this process's monotonic clock (`performance.now()`). */
    readonly builtAt: number,
  ) {
    for (const [loader, key, encoded] of v8.deserialize(doc) as [string, string, Buffer][]) {
      this.entries.set(entryKey(loader, key), { encoded });
    }
  }

  /** The loader's result for this key (see entryKey), if the document holds it. */
  find(entryKey: string): { value: unknown } | undefined {
    const entry = this.entries.get(entryKey);
    if (entry === undefined || 'value' in entry) {
      return entry;
    }
    const decoded = { value: deepFreeze(v8.deserialize(entry.encoded)) };
    this.entries.set(entryKey, decoded);
    return decoded;
  }
}

function deepFreeze<T>(value: T): T {
  // Typed arrays cannot be frozen (their elements stay writable); nothing held has one today.
  if (
    value !== null &&
    typeof value === 'object' &&
    !ArrayBuffer.isView(value) &&
    !Object.isFrozen(value)
  ) {
    Object.freeze(value);
    for (const inner of Object.values(value)) {
      deepFreeze(inner);
    }
  }
  return value;
}

/**
 * Splits the results recorded while building several documents at once: each customer's own
 * (by the key's owner), plus the rows of others it shows (`shown`: the ids in its answer).
 */
export function entriesOf(
  customerId: string,
  shown: ReadonlySet<string>,
  entries: readonly HeldEntry[],
): HeldEntry[] {
  return entries.filter(
    (entry) =>
      entry.owner === customerId ||
      (HELD_LOADERS[entry.loader]!.shows !== undefined && shown.has(entry.key)),
  );
}

/** Every `id` in an answer: the customers, products, content and campaigns it shows. */
export function idsIn(answer: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(answer)) {
    answer.forEach((item) => idsIn(item, into));
  } else if (answer !== null && typeof answer === 'object') {
    for (const [field, value] of Object.entries(answer)) {
      if (field === 'id' && typeof value === 'string') {
        into.add(value);
      } else {
        idsIn(value, into);
      }
    }
  }
  return into;
}

/** The pool key of one loader result. */
export function entryKey(loader: string, key: unknown): string {
  return `${loader}\u0000${keyString(key)}`;
}
