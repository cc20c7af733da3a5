import type { Postgres } from '../../datasources/postgres.js';
import { ErrorCode, GatewayError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { Candidate, Proposal } from './blend.js';
import { type HistoryEntry, HistoryStore } from './history.store.js';
import { type PopularityRankings, seasonOf } from './popularity.js';
import { positiveItems, preferenceVector, preferenceWeights } from './preference.js';
import type { RecommendationGraph } from './recommendation.graph.js';
import {
  CandidateSource,
  EvidenceKind,
  type ItemKind,
  RecommendationSurface,
} from './recommendation.kinds.js';
import type { RecommendationRequest } from './recommendation.request.js';
import type { ServingSnapshot } from './training/serving-models.js';
import { VectorStore } from './vector.store.js';

/** Candidates each source proposes before the blend: enough for rules and diversity to bite. */
const PER_SOURCE = 200;

/** Whose taste an answer serves, and what is known of it. */
export interface Subject {
  /** The customer, or the relative for a family gift. */
  id: string;
  history: HistoryEntry[];
  personalized: boolean;
  interests: string[];
}

/** Every source's proposals, one entry per item: the strongest proposal of each source. */
export class CandidatePool {
  readonly candidates = new Map<string, Candidate>();

  propose(source: CandidateSource, itemId: string, proposal: Proposal): void {
    const proposals = this.candidates.get(itemId) ?? new Map<CandidateSource, Proposal>();
    const known = proposals.get(source);
    if (known === undefined || known.score < proposal.score) {
      proposals.set(source, proposal);
    }
    this.candidates.set(itemId, proposals);
  }
}

/**
 * The candidate sources of a recommendation. Each reads what it needs on its own, so they run
 * concurrently; a customer without the personalization consent gets only the sources that use
 * nothing of theirs (the surface shown, the moment, popularity).
 */
export class CandidateSources {
  constructor(
    private readonly deps: {
      db: Postgres;
      graph: RecommendationGraph | null;
      popularity: PopularityRankings;
      logger: Logger;
    },
  ) {}

  async gather(
    snapshot: ServingSnapshot,
    request: RecommendationRequest,
    subject: Subject,
    kinds: readonly ItemKind[],
  ): Promise<CandidatePool> {
    const pool = new CandidatePool();
    const personal = subject.personalized
      ? [
          this.collaborative(snapshot, subject.history, pool),
          this.vectorNeighbours(snapshot, subject, kinds, pool),
          this.graphSignals(subject.id, pool),
        ]
      : [];
    await Promise.all([
      ...personal,
      this.context(snapshot, request, pool),
      this.moment(request, kinds, pool),
      this.popular(kinds, pool),
    ]);
    return pool;
  }

  /** The item-item model over what the subject is positive about. */
  private collaborative(
    snapshot: ServingSnapshot,
    history: readonly HistoryEntry[],
    pool: CandidatePool,
  ): Promise<void> {
    const model = snapshot.itemItem?.model;
    const positives = positiveItems(history);
    if (model !== undefined && positives.size > 0) {
      for (const scored of model.score(positives, PER_SOURCE, new Set(positives.keys()))) {
        pool.propose(CandidateSource.COLLABORATIVE, scored.itemId, {
          score: scored.score,
          evidence: scored.because.map((b) => ({ kind: EvidenceKind.PRODUCT, id: b.itemId })),
        });
      }
    }
    return Promise.resolve();
  }

  /** Items nearest to the subject's preference vector, computed now from live history. */
  private async vectorNeighbours(
    snapshot: ServingSnapshot,
    subject: Subject,
    kinds: readonly ItemKind[],
    pool: CandidatePool,
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
    const found = await Promise.all(
      kinds.map((kind) => vectors.nearestItems(kind, space, preference, PER_SOURCE)),
    );
    for (const near of found.flat()) {
      if (near.similarity > 0) {
        pool.propose(CandidateSource.VECTOR, near.id, { score: near.similarity, evidence: [] });
      }
    }
  }

  /** Family and campaign signals; the graph being down costs these signals, not the answer. */
  private async graphSignals(customerId: string, pool: CandidatePool): Promise<void> {
    if (this.deps.graph === null) {
      return;
    }
    try {
      for (const p of await this.deps.graph.proposals(customerId, PER_SOURCE)) {
        const source = p.source === 'FAMILY' ? CandidateSource.FAMILY : CandidateSource.CAMPAIGN;
        const kind = p.source === 'FAMILY' ? EvidenceKind.CUSTOMER : EvidenceKind.CAMPAIGN;
        pool.propose(source, p.itemId, {
          score: p.score,
          evidence: [{ kind, id: p.evidenceId }],
          detail: p.detail,
        });
      }
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'graph signals skipped: Neo4j did not answer');
    }
  }

  /** The item-item model from what the surface shows. */
  private async context(
    snapshot: ServingSnapshot,
    request: RecommendationRequest,
    pool: CandidatePool,
  ): Promise<void> {
    const anchors = await this.anchors(request);
    const model = snapshot.itemItem?.model;
    if (model === undefined || anchors.size === 0) {
      return;
    }
    for (const scored of model.score(anchors, PER_SOURCE, new Set(anchors.keys()))) {
      pool.propose(CandidateSource.CONTEXT, scored.itemId, {
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

  /** SESSION: what people chose at this time of day in this season. */
  private async moment(
    request: RecommendationRequest,
    kinds: readonly ItemKind[],
    pool: CandidatePool,
  ): Promise<void> {
    if (request.surface !== RecommendationSurface.SESSION) {
      return;
    }
    const at = request.at ?? new Date();
    const season = seasonOf(at.getUTCMonth() + 1).name;
    const found = await Promise.all(
      kinds.map((kind) => this.deps.popularity.atMoment(kind, at, PER_SOURCE)),
    );
    for (const item of found.flat()) {
      pool.propose(CandidateSource.MOMENT, item.itemId, {
        score: item.customers,
        evidence: [],
        detail: season,
      });
    }
  }

  /** The cold-start source: what most customers chose lately. */
  private async popular(kinds: readonly ItemKind[], pool: CandidatePool): Promise<void> {
    const found = await Promise.all(
      kinds.map((kind) => this.deps.popularity.current(kind, PER_SOURCE)),
    );
    for (const item of found.flat()) {
      pool.propose(CandidateSource.POPULARITY, item.itemId, {
        score: item.customers,
        evidence: [],
      });
    }
  }
}
