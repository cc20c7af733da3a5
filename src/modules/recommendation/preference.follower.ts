import type { Postgres } from '../../datasources/postgres.js';
import { acceptedCustomers } from '../event/accepted-events.js';
import { HistoryStore, type ItemFacts } from './history.store.js';
import { preferenceVector, preferenceWeights } from './preference.js';
import type { RecommendationCache } from './recommendation.cache.js';
import type { ItemKind } from './recommendation.kinds.js';
import type { ServingModels } from './training/serving-models.js';
import { VectorStore } from './vector.store.js';

/** Customers whose vectors one statement recomputes: bounds the size of a backlog's step. */
const CUSTOMERS_PER_STEP = 500;
const ITEMS_PER_STEP = 1_000;

/**
 * Keeps what recommendations derive from customers and the catalogue in step with them, as a
 * follower of the outbox: customers' preference vectors (after events, profile writes and
 * merges), cached answers (forgotten once those vectors are written), and the vectors of new
 * or changed items.
 * Everything is recomputed from PostgreSQL, so a message applied twice or late changes nothing.
 */
export class PreferenceFollower {
  constructor(
    private readonly db: Postgres,
    private readonly models: ServingModels,
    private readonly cache: RecommendationCache,
  ) {}

  /** After `events.accepted`: the customers who sent them. */
  async followEvents(batches: readonly { messageIds: readonly string[] }[]): Promise<void> {
    const customers = await acceptedCustomers(this.db, batches);
    await this.refreshCustomers(customers.map((c) => c.customerId));
  }

  /** After a merge: the merged customer's answers go; the survivor's vector is recomputed. */
  async followMerges(pairs: readonly { mergedId: string; survivorId: string }[]): Promise<void> {
    await this.cache.forget(pairs.map((p) => p.mergedId));
    await this.refreshCustomers(pairs.map((p) => p.survivorId));
  }

  /** Recomputes the preference vectors of these customers and forgets their cached answers. */
  async refreshCustomers(customerIds: readonly string[]): Promise<void> {
    const unique = [...new Set(customerIds)];
    for (let i = 0; i < unique.length; i += CUSTOMERS_PER_STEP) {
      await this.refreshStep(unique.slice(i, i + CUSTOMERS_PER_STEP));
    }
  }

  private async refreshStep(customerIds: readonly string[]): Promise<void> {
    await this.recomputeVectors(customerIds);
    // After the vectors: an answer computed before this forget, from the old ones, is either
    // forgotten here or refused by the cache when it comes to be stored.
    await this.cache.forget(customerIds);
  }

  private async recomputeVectors(customerIds: readonly string[]): Promise<void> {
    const embedder = this.models.current().embedder;
    if (embedder === null) {
      return;
    }
    const history = new HistoryStore(this.db);
    const [histories, interests] = await Promise.all([
      history.histories(customerIds),
      history.interests(customerIds),
    ]);
    const itemIds = new Set([...histories.values()].flat().map((entry) => entry.itemId));
    const vectors = new VectorStore(this.db);
    const itemVectors = await vectors.itemVectors(embedder.model, [...itemIds]);
    const withInterests = customerIds.filter((id) => (interests.get(id) ?? []).length > 0);
    const interestVectors = await embedder.embed(
      withInterests.map((id) => interests.get(id)!.join(' ')),
      'query',
    );
    const interestOf = new Map(withInterests.map((id, i) => [id, interestVectors[i]!]));
    const computed = customerIds.map((customerId) => ({
      itemId: customerId,
      vector: preferenceVector(
        preferenceWeights(histories.get(customerId) ?? []),
        itemVectors,
        interestOf.get(customerId) ?? null,
      ),
    }));
    const space = { model: embedder.model, dimensions: embedder.dimensions };
    await vectors.ensureCustomerIndex(space);
    await vectors.deleteCustomers(computed.filter((c) => c.vector === null).map((c) => c.itemId));
    await vectors.upsertCustomers(
      embedder.model,
      computed.flatMap((c) => (c.vector === null ? [] : [{ itemId: c.itemId, vector: c.vector }])),
    );
  }

  /** After catalogue writes: the items' vectors in the current text model. */
  async followItems(kind: ItemKind, ids: readonly string[]): Promise<void> {
    const embedder = this.models.current().embedder;
    if (embedder === null || ids.length === 0) {
      return;
    }
    const history = new HistoryStore(this.db);
    const vectors = new VectorStore(this.db);
    await vectors.ensureItemIndex(kind, { model: embedder.model, dimensions: embedder.dimensions });
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += ITEMS_PER_STEP) {
      const facts = await history.items(unique.slice(i, i + ITEMS_PER_STEP));
      const items = [...facts.values()].filter((item) => item.kind === kind);
      const embedded = await embedder.embed(items.map(itemText), 'document');
      await vectors.upsertItems(
        kind,
        embedder.model,
        items.map((item, j) => ({ itemId: item.id, vector: embedded[j]! })),
      );
    }
  }
}

/** The text an item is embedded from: its name, categories and keywords. */
export function itemText(item: Pick<ItemFacts, 'name' | 'categories' | 'keywords'>): string {
  return [item.name, ...item.categories, ...item.keywords].join(' ');
}
