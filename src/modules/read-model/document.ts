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

/** A document's entry as stored: its value still encoded until a request reads it. */
export interface StoredEntry {
  loader: string;
  key: string;
  encoded: Buffer;
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

export function decodeDocument(doc: Buffer): StoredEntry[] {
  const rows = v8.deserialize(doc) as [string, string, Buffer][];
  return rows.map(([loader, key, encoded]) => ({ loader, key, encoded }));
}

export function decodeValue(entry: StoredEntry): unknown {
  return v8.deserialize(entry.encoded);
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
