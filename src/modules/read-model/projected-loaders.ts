import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';

import type { Loaders } from '../../context.js';
import { UUID_PATTERN } from '../../lib/ids.js';
import { GroupBatch } from '../../lib/group-commit.js';
import type { Customer360Store } from './customer-360.store.js';
import { DecodedDocument, entryKey, type HeldEntry } from './document.js';
import { DOCUMENT_FORMAT, HELD_LOADERS, type HeldLoader, keyString } from './held-query.js';

/** The part of DataLoader's interface resolvers use. */
interface LoaderLike {
  load(key: unknown): Promise<unknown>;
  loadMany(keys: readonly unknown[]): Promise<unknown[]>;
  prime(key: unknown, value: unknown): unknown;
  clear(key: unknown): unknown;
  clearAll(): unknown;
}

/**
 * Fetches fresh documents for every request of this instance together: the asks of requests
 * that arrive while a fetch runs go in the next one, so under load one statement serves many
 * requests (PostgreSQL round trips, not the documents, cost most per read). A fetch starts
 * only after the asks it holds, so it sees every write committed before them.
 *
 * Documents are kept decoded between requests (up to `cacheBytes` of stored document): a
 * fetch names the versions held, and PostgreSQL sends the bytes only of those that changed,
 * still checking every one is servable.
 */
export class DocumentReads {
  private readonly decoded: LRUCache<string, DecodedDocument> | undefined;
  private readonly group = new GroupBatch<string, DecodedDocument | null>(async (customerIds) => {
    const ids = [...new Set(customerIds)];
    // The documents held now, by reference: one evicted meanwhile is still at hand below.
    const held = new Map<string, DecodedDocument>();
    for (const id of ids) {
      const document = this.decoded?.get(id);
      if (document) {
        held.set(id, document);
      }
    }
    const versions = new Map([...held].map(([id, document]) => [id, document.version]));
    const found = new Map<string, DecodedDocument>();
    for (const row of await this.store.loadFresh(ids, DOCUMENT_FORMAT, versions)) {
      if (row.doc === null) {
        // Still current: the get above already counted this read for the LRU.
        found.set(row.customerId, held.get(row.customerId)!);
      } else {
        // On this process's monotonic clock: the database's may differ, and wall time jumps.
        const builtAt = performance.now() - row.ageMs;
        const document = new DecodedDocument(row.version, row.doc.length, row.doc, builtAt);
        found.set(row.customerId, document);
        this.decoded?.set(row.customerId, document);
      }
    }
    return customerIds.map((id) => found.get(id) ?? null);
  });

  constructor(
    private readonly store: Customer360Store,
    cacheBytes: number,
  ) {
    this.decoded =
      cacheBytes > 0
        ? new LRUCache({ maxSize: cacheBytes, sizeCalculation: (document) => document.size })
        : undefined;
  }

  /** The customer's document, or null: none, dirty, or of another format. */
  fetch(customerId: string): Promise<DecodedDocument | null> {
    return this.group.add(customerId);
  }

  /** What the instance keeps decoded: documents, and their stored bytes (the limit's unit). */
  cached(): { documents: number; bytes: number } {
    return { documents: this.decoded?.size ?? 0, bytes: this.decoded?.calculatedSize ?? 0 };
  }
}

/** What a request tells the projector about the documents it needed. */
export interface DocumentRequests {
  /** Customers whose 360 fields were read without a fresh document: build theirs. */
  missed(customerIds: string[]): void;
  /** Customers whose document held an answer too old to serve (it ages): rebuild theirs. */
  aged(customerIds: string[]): void;
}

/** A result found in a loaded document, and when it was built (`performance.now()`). */
export interface HeldResult {
  value: unknown;
  builtAt: number;
}

/**
 * One request's view of the read model: the documents it has loaded (the customers a tick of
 * resolvers asks about, fetched with other requests' through DocumentReads) and every result
 * they hold. A customer whose 360 fields were asked for without a fresh document is reported,
 * so the projector builds one (a mere profile lookup, such as a similar customer's name, asks
 * for none).
 */
export class DocumentPool {
  /** The documents this request has loaded. */
  private readonly loaded: DecodedDocument[] = [];
  private readonly reported = new Set<string>();
  private used = false;
  private documents: DataLoader<string, boolean>;

  constructor(
    private readonly reads: DocumentReads,
    private readonly requests: DocumentRequests,
  ) {
    this.documents = this.createLoader();
  }

  /** Whether this customer's document was found (loading it with others asked in this tick). */
  loadDocument(customerId: string): Promise<boolean> {
    this.used = true;
    return this.documents.load(customerId);
  }

  /** Whether this request has asked for any document yet. */
  get inUse(): boolean {
    return this.used;
  }

  /** A customer's 360 fields were read without a document: the projector should build one. */
  wanted(customerId: string): void {
    if (!this.reported.has(customerId)) {
      this.reported.add(customerId);
      this.requests.missed([customerId]);
    }
  }

  /** A customer's document held an answer too old to serve: the projector should rebuild it. */
  aged(customerId: string): void {
    if (!this.reported.has(customerId)) {
      this.reported.add(customerId);
      this.requests.aged([customerId]);
    }
  }

  find(loader: string, key: unknown): HeldResult | undefined {
    const k = entryKey(loader, key);
    for (const document of this.loaded) {
      const found = document.find(k);
      if (found) {
        return { value: found.value, builtAt: document.builtAt };
      }
    }
    return undefined;
  }

  /** Forgets every document (subscription contexts resolve each event afresh). */
  reset(): void {
    this.loaded.length = 0;
    this.reported.clear();
    this.used = false;
    this.documents = this.createLoader();
  }

  private createLoader(): DataLoader<string, boolean> {
    return new DataLoader<string, boolean>(
      async (ids) => {
        // Anything but a UUID has no document; the live loader says what is wrong with it.
        const docs = await Promise.all(
          ids.map((id) => (UUID_PATTERN.test(id) ? this.reads.fetch(id) : null)),
        );
        for (const doc of docs) {
          if (doc !== null) {
            this.loaded.push(doc);
          }
        }
        return docs.map((doc) => doc !== null);
      },
      { name: 'readModelDocuments' },
    );
  }
}

/**
 * A held loader answered from the request's documents when one holds the key, and by the live
 * loader otherwise: resolvers, masking, scopes and audit above it run as they always do, so an
 * answer is the same either way. A result that ages is served only until `maxAgeMs` after its
 * document's build; an older one is read live and its document rebuilt.
 */
class ProjectedLoader implements LoaderLike {
  private readonly held: HeldLoader;

  constructor(
    private readonly name: string,
    private readonly live: LoaderLike,
    private readonly pool: DocumentPool,
    private readonly maxAgeMs: number,
  ) {
    this.held = HELD_LOADERS[name]!;
  }

  async load(key: unknown): Promise<unknown> {
    const hit = await this.fromDocuments(key);
    if (hit === undefined) {
      return this.live.load(key);
    }
    if (this.held.ages && performance.now() - hit.builtAt > this.maxAgeMs) {
      // 0: never served from documents, so a rebuild would change nothing.
      if (this.maxAgeMs > 0) {
        this.pool.aged(this.held.owner(key)!);
      }
      return this.live.load(key);
    }
    return hit.value;
  }

  private async fromDocuments(key: unknown): Promise<HeldResult | undefined> {
    const hit = this.pool.find(this.name, key);
    if (hit) {
      return hit;
    }
    const owner = this.held.owner(key);
    // A profile no loaded document shows, asked after the first document (a similar customer's
    // name, say): a document lookup first would only add a round trip before the live one.
    const lookupOnly = this.held.shows === 'customer' && this.pool.inUse;
    if (owner === null || lookupOnly) {
      return undefined;
    }
    if (await this.pool.loadDocument(owner)) {
      return this.pool.find(this.name, key);
    }
    if (this.held.shows === undefined) {
      this.pool.wanted(owner);
    }
    return undefined;
  }

  loadMany(keys: readonly unknown[]): Promise<unknown[]> {
    return Promise.all(keys.map((key) => this.load(key).catch((error: unknown) => error)));
  }

  prime(key: unknown, value: unknown): this {
    this.live.prime(key, value);
    return this;
  }

  clear(key: unknown): this {
    this.live.clear(key);
    return this;
  }

  clearAll(): this {
    this.live.clearAll();
    this.pool.reset();
    return this;
  }
}

/**
 * Puts the read model in front of the held loaders of one request; results that age are
 * served for `maxAgeMs` after their document's build.
 */
export function projectLoaders(loaders: Loaders, pool: DocumentPool, maxAgeMs: number): Loaders {
  const bag = loaders as unknown as Record<string, LoaderLike>;
  const projected: Record<string, LoaderLike> = { ...bag };
  for (const name of Object.keys(HELD_LOADERS)) {
    if (bag[name]) {
      projected[name] = new ProjectedLoader(name, bag[name], pool, maxAgeMs);
    }
  }
  return projected as unknown as Loaders;
}

/**
 * Wraps the held loaders of a build's context so every result they return is kept: the
 * document is exactly what the live path answered.
 */
export function recordLoaders(loaders: Loaders, entries: HeldEntry[]): Loaders {
  const bag = loaders as unknown as Record<string, LoaderLike>;
  const recording: Record<string, LoaderLike> = { ...bag };
  for (const name of Object.keys(HELD_LOADERS)) {
    const live = bag[name];
    if (!live) {
      continue;
    }
    const seen = new Set<string>();
    recording[name] = {
      load: async (key) => {
        const value = await live.load(key);
        const k = keyString(key);
        if (!seen.has(k)) {
          seen.add(k);
          entries.push({ loader: name, key: k, value, owner: HELD_LOADERS[name]!.owner(key) });
        }
        return value;
      },
      loadMany: (keys) => live.loadMany(keys),
      prime: (key, value) => live.prime(key, value),
      clear: (key) => live.clear(key),
      clearAll: () => live.clearAll(),
    };
  }
  return recording as unknown as Loaders;
}
