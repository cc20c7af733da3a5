import { randomUUID } from 'node:crypto';

import type { Postgres } from '../../datasources/postgres.js';
import { ErrorCode, GatewayError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import {
  type BlendWeights,
  blend,
  type Candidate,
  DEFAULT_WEIGHTS,
  diversify,
  NEAR_TIE,
} from './blend.js';
import { CandidateSources, type Subject } from './candidate-sources.js';
import { Experiment } from './analytics/experiments.js';
import { type HistoryEntry, HistoryStore, type ItemFacts } from './history.store.js';
import type { PopularityRankings } from './popularity.js';
import { positiveItems } from './preference.js';
import { reasonsFor } from './reasons.js';
import type { RecommendationGraph } from './recommendation.graph.js';
import {
  CandidateSource,
  type ItemKind,
  ItemType,
  RecommendationSurface,
} from './recommendation.kinds.js';
import type { ServingModels, ServingSnapshot } from './training/serving-models.js';
import type { VectorSpace } from './vector.store.js';

export type { Recommendation, RecommendationRequest } from './recommendation.request.js';
import type { Recommendation, RecommendationRequest } from './recommendation.request.js';

/** Popularity's share of its weight once a customer has history (see coldStartWeights). */
const COLD_START_FACTOR = 0.05;

const EVENT_TYPE_PURCHASE = 'purchase';

/**
 * Recommendations for one customer and surface: candidates from every source, business rules,
 * a weighted blend, diversity across categories, and a reason for each item. The same code
 * serves `Customer.recommendations` and `c360 eval`.
 */
export class RecommendationService {
  private readonly experiment: Experiment;
  private readonly tuning: RankingTuning;

  private readonly sources: CandidateSources;

  constructor(
    private readonly deps: {
      db: Postgres;
      /** The knowledge graph; null where there is none (offline evaluation). */
      graph: RecommendationGraph | null;
      models: ServingModels;
      popularity: PopularityRankings;
      /** The control blend and the diversity discount; DEFAULT_TUNING where absent. */
      tuning?: Partial<RankingTuning>;
      /** Routes customers to variants; everyone is in control (the tuning's blend) when absent. */
      experiment?: Experiment;
      logger: Logger;
    },
  ) {
    this.tuning = { ...DEFAULT_TUNING, ...deps.tuning };
    this.sources = new CandidateSources(deps);
    this.experiment = deps.experiment ?? Experiment.none(this.tuning.weights);
  }

  /** The variant this customer's answers are blended by; stable across instances. */
  variantOf(customerId: string): string {
    return this.experiment.assign(customerId).variant;
  }

  /**
   * The space customers' preference vectors are in now (the text model's), or null before one
   * is fitted: similar customers are searched in it, and a stored answer names it.
   */
  customerSpace(): VectorSpace | null {
    const embedder = this.deps.models.current().embedder;
    return embedder === null ? null : { model: embedder.model, dimensions: embedder.dimensions };
  }

  /** The versions of the models answering now. */
  modelVersion(): string {
    return versionOf(this.deps.models.current());
  }

  async recommend(request: RecommendationRequest): Promise<Recommendation[]> {
    const snapshot = this.deps.models.current();
    const subject = await this.subject(request);
    const pool = await this.sources.gather(snapshot, request, subject, kindsOf(request.itemType));
    return this.rank(request, subject, snapshot, pool.candidates);
  }

  private async subject(request: RecommendationRequest): Promise<Subject> {
    const history = new HistoryStore(this.deps.db);
    let id = request.customerId;
    if (request.surface === RecommendationSurface.FAMILY_GIFT) {
      if (request.relativeId === null) {
        throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'FAMILY_GIFT needs context.relativeId');
      }
      if (this.deps.graph === null) {
        throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'FAMILY_GIFT needs the knowledge graph');
      }
      const relation = await this.deps.graph.relation(request.customerId, request.relativeId);
      if (relation === null) {
        throw new GatewayError(
          ErrorCode.BAD_USER_INPUT,
          `customer ${request.relativeId} is not a relative of customer ${request.customerId}`,
          { extensions: { reason: 'NOT_RELATED' } },
        );
      }
      id = request.relativeId;
    }
    const [histories, interests, withdrawn] = await Promise.all([
      history.histories([id]),
      history.interests([id]),
      history.personalizationWithdrawn([id]),
    ]);
    const personalized = !withdrawn.has(id);
    return {
      id,
      history: personalized ? (histories.get(id) ?? []) : [],
      personalized,
      interests: personalized ? (interests.get(id) ?? []) : [],
    };
  }

  private async rank(
    request: RecommendationRequest,
    subject: Subject,
    snapshot: ServingSnapshot,
    candidates: Map<string, Candidate>,
  ): Promise<Recommendation[]> {
    const historyIds = subject.history.map((h) => h.itemId);
    const facts = await new HistoryStore(this.deps.db).items([
      ...new Set([...candidates.keys(), ...historyIds]),
    ]);
    const blocked = blockedItems(request, subject.history, facts);
    const kinds = new Set(kindsOf(request.itemType));
    for (const itemId of candidates.keys()) {
      const item = facts.get(itemId);
      if (item === undefined || blocked.has(itemId) || !kinds.has(item.kind) || !item.inStock) {
        candidates.delete(itemId);
      } else if (
        request.categories.length > 0 &&
        !request.categories.some((c) => item.categories.includes(c))
      ) {
        candidates.delete(itemId);
      }
    }
    const assignment = this.experiment.assign(request.customerId);
    const ranked = diversify(
      blend(candidates, coldStartWeights(assignment.weights, subject.history)),
      (id) => facts.get(id)?.categories[0] ?? null,
      request.first,
      this.tuning.diversityPenalty,
      this.tuning.diversityTolerance,
    );
    const requestId = randomUUID();
    const computedAt = new Date();
    const modelVersion = versionOf(snapshot);
    const interests = new Set(subject.interests.map((word) => word.toLowerCase()));
    return ranked.map((r) => ({
      itemId: r.itemId,
      itemKind: facts.get(r.itemId)!.kind,
      score: r.score,
      reasons: reasonsFor(r.itemId, r.proposals, {
        items: facts,
        interests,
        personalized: subject.personalized,
      }),
      sources: [...r.proposals.keys()],
      requestId,
      modelVersion,
      variant: assignment.variant,
      computedAt,
    }));
  }
}

/** How the ranking is tuned; the defaults were chosen on MovieLens (bench/recommendation-blend). */
export interface RankingTuning {
  weights: BlendWeights;
  /** Score factor per item already picked from the same main category (1: no diversity). */
  diversityPenalty: number;
  /** Only items within this share of the best one left are reordered for diversity. */
  diversityTolerance: number;
}

export const DEFAULT_TUNING: RankingTuning = {
  weights: DEFAULT_WEIGHTS,
  diversityPenalty: 0.95,
  diversityTolerance: NEAR_TIE,
};

/**
 * Popularity is the cold-start source: at full weight for a customer with no positive
 * interaction, and a mere tie-breaker once there is history (blended at full weight it pulls
 * everyone's list towards the same bestsellers and loses accuracy).
 */
function coldStartWeights(weights: BlendWeights, history: readonly HistoryEntry[]): BlendWeights {
  if (positiveItems(history).size === 0) {
    return weights;
  }
  return {
    ...weights,
    [CandidateSource.POPULARITY]: weights[CandidateSource.POPULARITY] * COLD_START_FACTOR,
  };
}

/** What may never be recommended here: exclusions, what the surface shows, what was bought. */
function blockedItems(
  request: RecommendationRequest,
  history: readonly HistoryEntry[],
  facts: ReadonlyMap<string, ItemFacts>,
): Set<string> {
  const blocked = new Set<string>([...request.exclude, ...request.cartProductIds]);
  if (request.productId !== null) {
    blocked.add(request.productId);
  }
  for (const entry of history) {
    if (entry.type === EVENT_TYPE_PURCHASE && !facts.get(entry.itemId)?.repeatable) {
      blocked.add(entry.itemId);
    }
  }
  return blocked;
}

function kindsOf(itemType: ItemType): ItemKind[] {
  switch (itemType) {
    case ItemType.PRODUCT:
      return ['product'];
    case ItemType.CONTENT:
      return ['content'];
    case ItemType.BOTH:
      return ['product', 'content'];
  }
}

/** Names every model that shaped the answer, for attribution. */
function versionOf(snapshot: ServingSnapshot): string {
  return [
    `item-item:${snapshot.itemItem?.version ?? 'none'}`,
    `text:${snapshot.embedder?.model ?? 'none'}`,
  ].join(' ');
}
