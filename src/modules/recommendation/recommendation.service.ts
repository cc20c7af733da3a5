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
  type Proposal,
} from './blend.js';
import { Experiment } from './experiments.js';
import { type HistoryEntry, HistoryStore, type ItemFacts } from './history.store.js';
import { type PopularityRankings, seasonOf } from './popularity.js';
import { positiveItems, preferenceVector, preferenceWeights } from './preference.js';
import { type Reason, reasonsFor } from './reasons.js';
import type { RecommendationGraph } from './recommendation.graph.js';
import {
  CandidateSource,
  EvidenceKind,
  type ItemKind,
  ItemType,
  RecommendationSurface,
} from './recommendation.kinds.js';
import type { ServingModels, ServingSnapshot } from './serving-models.js';
import { VectorStore } from './vector.store.js';

export interface RecommendationRequest {
  customerId: string;
  first: number;
  itemType: ItemType;
  surface: RecommendationSurface;
  /** PRODUCT_PAGE: the product shown. */
  productId: string | null;
  /** CART: the products in the cart. */
  cartProductIds: readonly string[];
  /** SESSION: the session whose browsing steers the answer. */
  sessionId: string | null;
  /** SESSION: when it happens; its time of day and season steer the answer too. */
  at: Date | null;
  /** FAMILY_GIFT: the relative the gift is for. */
  relativeId: string | null;
  exclude: readonly string[];
  categories: readonly string[];
}

export interface Recommendation {
  itemId: string;
  itemKind: ItemKind;
  score: number;
  reasons: Reason[];
  sources: CandidateSource[];
  requestId: string;
  modelVersion: string;
  /** The experiment variant that blended it (`control` outside any). */
  variant: string;
  computedAt: Date;
}

/** Popularity's share of its weight once a customer has history (see coldStartWeights). */
const COLD_START_FACTOR = 0.05;

/** Candidates each source proposes before the blend: enough for rules and diversity to bite. */
const PER_SOURCE = 200;
const EVENT_TYPE_PURCHASE = 'purchase';

/** What the answer for one request is built from. */
interface Subject {
  /** Whose taste is served: the customer, or the relative for a family gift. */
  id: string;
  history: HistoryEntry[];
  personalized: boolean;
  interests: string[];
}

/**
 * Recommendations for one customer and surface: candidates from every source, business rules,
 * a weighted blend, diversity across categories, and a reason for each item. The same code
 * serves `Customer.recommendations` and `c360 eval`.
 */
export class RecommendationService {
  private readonly experiment: Experiment;
  private readonly tuning: RankingTuning;

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
    this.experiment = deps.experiment ?? Experiment.none(this.tuning.weights);
  }

  /** The variant this customer's answers are blended by; stable across instances. */
  variantOf(customerId: string): string {
    return this.experiment.assign(customerId).variant;
  }

  /** The versions of the models answering now. */
  modelVersion(): string {
    return versionOf(this.deps.models.current());
  }

  async recommend(request: RecommendationRequest): Promise<Recommendation[]> {
    const snapshot = this.deps.models.current();
    const subject = await this.subject(request);
    const candidates = new Map<string, Candidate>();
    const propose = (source: CandidateSource, itemId: string, proposal: Proposal) => {
      const proposals = candidates.get(itemId) ?? new Map<CandidateSource, Proposal>();
      const known = proposals.get(source);
      if (known === undefined || known.score < proposal.score) {
        proposals.set(source, proposal);
      }
      candidates.set(itemId, proposals);
    };
    const kinds = kindsOf(request.itemType);
    if (subject.personalized) {
      this.collaborative(snapshot, subject.history, propose);
      await this.vectorNeighbours(snapshot, subject, kinds, propose);
      await this.graphSignals(subject.id, propose);
    }
    await this.context(snapshot, request, propose);
    if (request.surface === RecommendationSurface.SESSION) {
      const at = request.at ?? new Date();
      const season = seasonOf(at.getUTCMonth() + 1).name;
      for (const kind of kinds) {
        for (const item of await this.deps.popularity.atMoment(kind, at, PER_SOURCE)) {
          propose(CandidateSource.MOMENT, item.itemId, {
            score: item.customers,
            evidence: [],
            detail: season,
          });
        }
      }
    }
    for (const kind of kinds) {
      for (const item of await this.deps.popularity.current(kind, PER_SOURCE)) {
        propose(CandidateSource.POPULARITY, item.itemId, { score: item.customers, evidence: [] });
      }
    }
    return this.rank(request, subject, snapshot, candidates);
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

  private collaborative(
    snapshot: ServingSnapshot,
    history: readonly HistoryEntry[],
    propose: (source: CandidateSource, itemId: string, proposal: Proposal) => void,
  ): void {
    const model = snapshot.itemItem?.model;
    const positives = positiveItems(history);
    if (model === undefined || positives.size === 0) {
      return;
    }
    for (const scored of model.score(positives, PER_SOURCE, new Set(positives.keys()))) {
      propose(CandidateSource.COLLABORATIVE, scored.itemId, {
        score: scored.score,
        evidence: scored.because.map((b) => ({ kind: EvidenceKind.PRODUCT, id: b.itemId })),
      });
    }
  }

  private async vectorNeighbours(
    snapshot: ServingSnapshot,
    subject: Subject,
    kinds: readonly ItemKind[],
    propose: (source: CandidateSource, itemId: string, proposal: Proposal) => void,
  ): Promise<void> {
    const embedder = snapshot.embedder;
    if (embedder === null) {
      return;
    }
    const vectors = new VectorStore(this.deps.db);
    const weights = preferenceWeights(subject.history);
    const [itemVectors, interestVectors] = await Promise.all([
      vectors.itemVectors(embedder.model, [...weights.keys()]),
      subject.interests.length > 0
        ? embedder.embed([subject.interests.join(' ')], 'query')
        : Promise.resolve([]),
    ]);
    const preference = preferenceVector(weights, itemVectors, interestVectors[0] ?? null);
    if (preference === null) {
      return;
    }
    const space = { model: embedder.model, dimensions: embedder.dimensions };
    for (const kind of kinds) {
      for (const near of await vectors.nearestItems(kind, space, preference, PER_SOURCE)) {
        if (near.similarity > 0) {
          propose(CandidateSource.VECTOR, near.id, { score: near.similarity, evidence: [] });
        }
      }
    }
  }

  /** Family and campaign signals; the graph being down costs these signals, not the answer. */
  private async graphSignals(
    customerId: string,
    propose: (source: CandidateSource, itemId: string, proposal: Proposal) => void,
  ): Promise<void> {
    if (this.deps.graph === null) {
      return;
    }
    try {
      for (const p of await this.deps.graph.proposals(customerId, PER_SOURCE)) {
        const source = p.source === 'FAMILY' ? CandidateSource.FAMILY : CandidateSource.CAMPAIGN;
        const kind = p.source === 'FAMILY' ? EvidenceKind.CUSTOMER : EvidenceKind.CAMPAIGN;
        propose(source, p.itemId, {
          score: p.score,
          evidence: [{ kind, id: p.evidenceId }],
          detail: p.detail,
        });
      }
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'graph signals skipped: Neo4j did not answer');
    }
  }

  private async context(
    snapshot: ServingSnapshot,
    request: RecommendationRequest,
    propose: (source: CandidateSource, itemId: string, proposal: Proposal) => void,
  ): Promise<void> {
    const anchors = await this.anchors(request);
    const model = snapshot.itemItem?.model;
    if (model === undefined || anchors.size === 0) {
      return;
    }
    for (const scored of model.score(anchors, PER_SOURCE, new Set(anchors.keys()))) {
      propose(CandidateSource.CONTEXT, scored.itemId, {
        score: scored.score,
        evidence: scored.because.map((b) => ({ kind: EvidenceKind.PRODUCT, id: b.itemId })),
      });
    }
  }

  /** The items the surface shows, which the context source starts from. */
  private async anchors(request: RecommendationRequest): Promise<Map<string, number>> {
    switch (request.surface) {
      case RecommendationSurface.PRODUCT_PAGE:
        if (request.productId === null) {
          throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'PRODUCT_PAGE needs context.productId');
        }
        return new Map([[request.productId, 1]]);
      case RecommendationSurface.CART:
        return new Map(request.cartProductIds.map((id) => [id, 1]));
      case RecommendationSurface.SESSION: {
        if (request.sessionId === null) {
          throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'SESSION needs context.sessionId');
        }
        const session = await new HistoryStore(this.deps.db).sessionHistory(
          request.customerId,
          request.sessionId,
        );
        return new Map([...preferenceWeights(session)].filter(([, weight]) => weight > 0));
      }
      case RecommendationSurface.HOMEPAGE:
      case RecommendationSurface.FAMILY_GIFT:
      case RecommendationSurface.EMAIL:
        return new Map();
    }
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
}

export const DEFAULT_TUNING: RankingTuning = { weights: DEFAULT_WEIGHTS, diversityPenalty: 0.95 };

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
