import { createHash } from 'node:crypto';

import type { EmbeddingModel } from '../../../datasources/embedding-model.js';
import type { Postgres } from '../../../datasources/postgres.js';
import type { Logger } from '../../../logger.js';
import { fitTextVectors } from '../model/text-vectors.js';
import { ModelStore } from './model.store.js';
import { BY_ID, sortedBy, type SplitOrder } from '../evaluation/split.js';
import { chooseCollaborative, fitCollaborativeExact } from './model-selection.js';
import { HistoryStore } from '../history.store.js';
import { itemText, type PreferenceFollower } from '../preference.follower.js';
import type { ItemKind } from '../recommendation.kinds.js';
import type { ServingModels } from './serving-models.js';
import { VectorStore } from '../vector.store.js';

/** How models are fitted (RECOMMENDATION_* settings). */
export interface TrainingSettings {
  /** EASE's L2 regularisation where the positives are too few to choose it on a validation split. */
  easeLambda: number;
  /** Neighbours kept per item in the served item-item model. */
  neighbours: number;
  /** Items the dense EASE fit may hold when customers outnumber items. */
  maxItems: number;
  /** Dimensions of the local text model. */
  textDimensions: number;
}

export interface FitReport {
  textModel: string | null;
  itemItemVersion: string | null;
  items: number;
  positives: number;
  customers: number;
  seconds: number;
}

/** A step of fitting, for progress output: what is done of how much. */
export type FitProgress = (stage: string, done: number, total: number) => void;

const ITEMS_PER_STEP = 1_000;

/**
 * The collaborative model's settings are chosen on a validation split of the positives
 * (training/model-selection.ts): its seed, the list length it is judged at, and how many
 * customers it scores at most (enough to tell settings apart, few enough for a big shop).
 */
const VALIDATION_SEED = 43;
const VALIDATION_K = 10;
const VALIDATION_USERS = 2_000;

/**
 * Fits the models recommendations are served from, from what PostgreSQL holds: the text
 * model over the catalogue (unless Gemini embeds), every item's vector, the item-item
 * collaborative model over all positive interactions, and every customer's preference
 * vector. Each model is stored with its version; instances pick it up on their next refresh.
 */
export class RecommendationTrainer {
  constructor(
    private readonly deps: {
      db: Postgres;
      models: ServingModels;
      remoteEmbedder: EmbeddingModel | null;
      follower: PreferenceFollower;
      settings: TrainingSettings;
      logger: Logger;
      /**
       * The order customers and items are taken in: what each model's fit depends on beyond
       * the data (the validation split's draw, the text model's random start, ties). By id
       * unless told; `c360 eval` orders by the dataset's own ids, which stay the same from one
       * run to the next where the ids its load generates do not.
       */
      order?: SplitOrder;
    },
  ) {}

  private running: Promise<FitReport> | null = null;

  /** Fits now; a call while a fit runs on this instance joins that fit instead of racing it. */
  fit(progress: FitProgress = () => {}): Promise<FitReport> {
    this.running ??= this.fitOnce(progress).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async fitOnce(progress: FitProgress): Promise<FitReport> {
    const started = performance.now();
    const history = new HistoryStore(this.deps.db);
    const models = new ModelStore(this.deps.db);

    const order = this.deps.order ?? BY_ID;
    const catalogue = sortedBy(await history.catalogue(), [(item) => item.id, order.item]);
    const embedder = await this.fitText(catalogue, models);
    await this.embedCatalogue(embedder, catalogue, progress);
    if (embedder !== null) {
      await new VectorStore(this.deps.db).pruneModels(embedder.model);
    }

    const positives = sortedBy(
      await history.positives(),
      [(p) => p.userId, order.user],
      [(p) => p.itemId, order.item],
    );
    let itemItemVersion: string | null = null;
    if (positives.length > 0) {
      progress('collaborative model', 0, 1);
      const binary = positives.map((p) => ({ ...p, weight: 1 }));
      const { settings: fitting } = this.deps;
      const choice = chooseCollaborative(binary, catalogue, {
        fallback: { lambda: fitting.easeLambda, featureWeight: 0, dropout: 0 },
        maxItems: fitting.maxItems,
        seed: VALIDATION_SEED,
        k: VALIDATION_K,
        maxUsers: VALIDATION_USERS,
        order,
      });
      const { tried, ...chosen } = choice;
      const model = fitCollaborativeExact(binary, catalogue, chosen, fitting.maxItems).sparsify(
        fitting.neighbours,
      );
      const payload = model.serialize();
      itemItemVersion = `ease-${createHash('sha256').update(payload).digest('hex').slice(0, 12)}`;
      await models.save({
        kind: 'item-item',
        version: itemItemVersion,
        payload,
        meta: { ...chosen, validation: tried, positives: positives.length },
      });
      progress('collaborative model', 1, 1);
    }
    await this.deps.models.refresh();

    const customers = await this.customersToRefresh();
    for (let i = 0; i < customers.length; i += ITEMS_PER_STEP) {
      await this.deps.follower.refreshCustomers(customers.slice(i, i + ITEMS_PER_STEP));
      progress(
        'preference vectors',
        Math.min(i + ITEMS_PER_STEP, customers.length),
        customers.length,
      );
    }
    const report = {
      textModel: embedder?.model ?? null,
      itemItemVersion,
      items: catalogue.length,
      positives: positives.length,
      customers: customers.length,
      seconds: (performance.now() - started) / 1000,
    };
    this.deps.logger.info(report, 'recommendation models fitted');
    return report;
  }

  /** The embedder of this fit: Gemini when configured, else a local text model fitted now. */
  private async fitText(
    catalogue: readonly Parameters<typeof itemText>[0][],
    models: ModelStore,
  ): Promise<EmbeddingModel | null> {
    if (this.deps.remoteEmbedder !== null) {
      return this.deps.remoteEmbedder;
    }
    if (catalogue.length === 0) {
      return null;
    }
    let text;
    try {
      text = fitTextVectors(
        catalogue.map((item, i) => ({ id: String(i), text: itemText(item) })),
        { dimensions: this.deps.settings.textDimensions },
      );
    } catch (error) {
      // A catalogue whose text is all numbers, stop words or shared words has no vocabulary:
      // no text model then, and recommendations go without vectors until it has one.
      if (error instanceof RangeError) {
        this.deps.logger.warn(
          { items: catalogue.length },
          'the catalogue has no text to learn from',
        );
        return null;
      }
      throw error;
    }
    await models.save({ kind: 'text', version: text.name, payload: text.serialize(), meta: {} });
    await this.deps.models.refresh();
    return this.deps.models.current().embedder;
  }

  private async embedCatalogue(
    embedder: EmbeddingModel | null,
    catalogue: readonly {
      id: string;
      kind: ItemKind;
      name: string;
      categories: string[];
      keywords: string[];
    }[],
    progress: FitProgress,
  ): Promise<void> {
    if (embedder === null) {
      return;
    }
    const vectors = new VectorStore(this.deps.db);
    const space = { model: embedder.model, dimensions: embedder.dimensions };
    for (const kind of ['product', 'content'] as const) {
      await vectors.ensureItemIndex(kind, space);
      const items = catalogue.filter((item) => item.kind === kind);
      for (let i = 0; i < items.length; i += ITEMS_PER_STEP) {
        const step = items.slice(i, i + ITEMS_PER_STEP);
        const embedded = await embedder.embed(step.map(itemText), 'document');
        await vectors.upsertItems(
          kind,
          embedder.model,
          step.map((item, j) => ({ itemId: item.id, vector: embedded[j]! })),
        );
        progress(`${kind} vectors`, i + step.length, items.length);
      }
    }
  }

  /** Customers with any interaction or interest: everyone a preference vector can describe. */
  private async customersToRefresh(): Promise<string[]> {
    const { rows } = await this.deps.db.query<{
      id: string;
    }>(/* sql */ `/* recommendation.customersToRefresh */
      SELECT id FROM customers c
      WHERE cardinality(c.interest_keywords) > 0 OR c.traits ? 'interests'
         OR EXISTS (SELECT 1 FROM events e WHERE e.customer_id = c.id
                    AND (e.product_id IS NOT NULL OR e.content_id IS NOT NULL))
      ORDER BY id`);
    return rows.map((row) => row.id);
  }
}
