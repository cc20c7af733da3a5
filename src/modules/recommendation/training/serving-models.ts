import type { EmbeddingModel } from '../../../datasources/embedding-model.js';
import type { Logger } from '../../../logger.js';
import { CachedEmbedder } from './cached-embedder.js';
import { ItemItemModel } from '../model/item-item.js';
import { LocalTextEmbedder } from '../model/local-text-embedder.js';
import { TextVectorModel } from '../model/text-vectors.js';
import type { ModelKind, ModelStore } from './model.store.js';

/** The models one gateway instance serves from, with the versions that name them. */
export interface ServingSnapshot {
  itemItem: { version: string; model: ItemItemModel } | null;
  /** Embeds catalogue text, search queries and interests; null until a text model is fitted. */
  embedder: EmbeddingModel | null;
}

/** How often an instance looks for a newer model fitted elsewhere. */
const REFRESH_MS = 10_000;

/**
 * Keeps the newest fitted models in memory. Every instance loads the same versions from
 * PostgreSQL, so they all answer alike; a refit anywhere reaches the others within
 * REFRESH_MS, and the instance that fitted it at once (`refresh()`).
 *
 * With a Gemini embedder configured, it embeds text instead of the local text model.
 */
export class ServingModels {
  private snapshot: ServingSnapshot = { itemItem: null, embedder: null };
  private versions = new Map<ModelKind, string>();
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;

  constructor(
    private readonly store: ModelStore,
    private readonly remoteEmbedder: EmbeddingModel | null,
    private readonly logger: Logger,
  ) {
    this.snapshot.embedder = remoteEmbedder === null ? null : new CachedEmbedder(remoteEmbedder);
  }

  current(): ServingSnapshot {
    return this.snapshot;
  }

  /** Loads whatever changed since the last look; concurrent calls share one look. */
  refresh(): Promise<void> {
    this.refreshing ??= this.load().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** Looks for newer models in the background until `stop()`. */
  start(): void {
    this.timer ??= setInterval(() => {
      this.refresh().catch((error: unknown) =>
        this.logger.warn({ err: error }, 'recommendation models could not be refreshed'),
      );
    }, REFRESH_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private async load(): Promise<void> {
    const newest = await this.store.newestVersions();
    const next = { ...this.snapshot };
    const itemItem = newest.get('item-item');
    if (itemItem !== undefined && itemItem !== this.versions.get('item-item')) {
      const stored = await this.store.load('item-item', itemItem);
      if (stored !== null) {
        next.itemItem = {
          version: itemItem,
          model: ItemItemModel.deserialize(Buffer.from(stored.payload)),
        };
      }
    }
    const text = newest.get('text');
    if (this.remoteEmbedder === null && text !== undefined && text !== this.versions.get('text')) {
      const stored = await this.store.load('text', text);
      if (stored !== null) {
        next.embedder = new LocalTextEmbedder(
          TextVectorModel.deserialize(Buffer.from(stored.payload)),
        );
      }
    }
    this.versions = newest;
    this.snapshot = next;
  }
}
