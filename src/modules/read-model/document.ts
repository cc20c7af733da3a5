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
 * back exactly; the format is stable across Node versions.
 */
export function encodeDocument(entries: readonly HeldEntry[]): Buffer {
  return v8.serialize(entries.map((e) => [e.loader, e.key, e.value]));
}

export function decodeDocument(doc: Buffer): HeldEntry[] {
  const rows = v8.deserialize(doc) as [string, string, unknown][];
  return rows.map(([loader, key, value]) => ({ loader, key, value }));
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
