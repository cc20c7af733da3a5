import type { Postgres } from '../../../datasources/postgres.js';
import { blend, type Candidate } from '../blend.js';
import { DiscoveryStore } from './discovery.store.js';
import { HistoryStore } from '../history.store.js';
import { CandidateSource } from '../recommendation.kinds.js';
import type { ServingModels } from '../training/serving-models.js';
import { VectorStore } from '../vector.store.js';

export interface ScoredProduct {
  productId: string;
  score: number;
  sources: CandidateSource[];
}

/** How much each half counts in search: meaning (vectors) and the words themselves. */
const SEARCH_WEIGHTS = { vector: 0.6, keyword: 0.4 };
/** Every source off; discovery turns on the ones it uses. */
const NO_WEIGHT = Object.fromEntries(
  Object.values(CandidateSource).map((source) => [source, 0]),
) as Record<CandidateSource, number>;

/** Product-to-product and text-to-product discovery on the fitted models and the vectors. */
export class DiscoveryService {
  constructor(private readonly deps: { db: Postgres; models: ServingModels }) {}

  /** Products alike by co-interaction (item-item model) and by text (vectors), blended. */
  async similar(productId: string, first: number): Promise<ScoredProduct[]> {
    const { itemItem, embedder } = this.deps.models.current();
    const candidates = new Map<string, Candidate>();
    const add = (source: CandidateSource, id: string, score: number) => {
      if (id !== productId && score > 0) {
        const proposals = candidates.get(id) ?? new Map();
        proposals.set(source, { score, evidence: [] });
        candidates.set(id, proposals);
      }
    };
    for (const n of itemItem?.model.neighbours(productId, first * 3) ?? []) {
      add(CandidateSource.COLLABORATIVE, n.itemId, n.contribution);
    }
    if (embedder !== null) {
      const vectors = new VectorStore(this.deps.db);
      const own = (await vectors.itemVectors(embedder.model, [productId])).get(productId);
      if (own !== undefined) {
        const space = { model: embedder.model, dimensions: embedder.dimensions };
        for (const n of await vectors.nearestItems('product', space, own, first * 3 + 1)) {
          add(CandidateSource.VECTOR, n.id, n.similarity);
        }
      }
    }
    // A product page should not point at what cannot be bought.
    const facts = await new HistoryStore(this.deps.db).items([...candidates.keys()]);
    for (const id of candidates.keys()) {
      if (facts.get(id)?.inStock !== true) {
        candidates.delete(id);
      }
    }
    const weights = { ...NO_WEIGHT, COLLABORATIVE: 1, VECTOR: 0.5 };
    return this.scored(blend(candidates, weights).slice(0, first));
  }

  /** Products other buyers of this one also bought, with the share of its buyers. */
  boughtTogether(productId: string, first: number) {
    return new DiscoveryStore(this.deps.db).boughtTogether(productId, first);
  }

  /** Semantic search: the query's vector against product vectors, plus keyword matches. */
  async search(text: string, first: number): Promise<ScoredProduct[]> {
    const candidates = new Map<string, Candidate>();
    const add = (source: CandidateSource, id: string, score: number) => {
      if (score > 0) {
        const proposals = candidates.get(id) ?? new Map();
        proposals.set(source, { score, evidence: [] });
        candidates.set(id, proposals);
      }
    };
    const { embedder } = this.deps.models.current();
    if (embedder !== null) {
      const [query] = await embedder.embed([text], 'query');
      if (query !== undefined && query.some((v) => v !== 0)) {
        const space = { model: embedder.model, dimensions: embedder.dimensions };
        const vectors = new VectorStore(this.deps.db);
        for (const n of await vectors.nearestItems('product', space, query, first * 3)) {
          add(CandidateSource.VECTOR, n.id, n.similarity);
        }
      }
    }
    const terms = [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])].slice(0, 20);
    for (const m of await new DiscoveryStore(this.deps.db).keywordMatches(text, terms, first * 3)) {
      add(CandidateSource.KEYWORD, m.productId, m.score);
    }
    const weights = {
      ...NO_WEIGHT,
      VECTOR: SEARCH_WEIGHTS.vector,
      KEYWORD: SEARCH_WEIGHTS.keyword,
    };
    return this.scored(blend(candidates, weights).slice(0, first));
  }

  private scored(ranked: ReturnType<typeof blend>): ScoredProduct[] {
    return ranked.map((r) => ({
      productId: r.itemId,
      score: r.score,
      sources: [...r.proposals.keys()],
    }));
  }
}
