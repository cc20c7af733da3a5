import type { ChangeFeed } from '../../../changefeed/change-feed.js';
import type { Postgres } from '../../../datasources/postgres.js';
import type { Logger } from '../../../logger.js';
import { type CustomerChange, isAffectedBy, type RuleDependencies } from '../rule/dependencies.js';
import type { SegmentGraph } from '../segment.graph.js';
import { SegmentStore } from '../segment.store.js';
import type { Trigger } from './reasons.js';
import {
  evaluateSegments,
  type EvaluationScope,
  planOf,
  type SegmentPlan,
  type Transition,
} from './segment-evaluator.js';

/** How far one change may ripple through segments that refer to segments. */
const MAX_CASCADE = 5;

export interface Progress {
  segmentId: string;
  version: number;
  evaluated: number;
  total: number;
}

/**
 * Runs evaluations: each one a PostgreSQL transaction that writes memberships and the feed
 * together, announced after commit; then the ripple to segments that refer to the changed
 * ones (directly, or through a relative's sub-rule).
 */
export class SegmentEngine {
  private readonly store: SegmentStore;
  private readonly running = new Map<string, Progress>();
  private keys = new Map<string, string>();

  constructor(
    private readonly db: Postgres,
    private readonly graph: SegmentGraph,
    private readonly feed: ChangeFeed,
    private readonly chunkSize: number,
    private readonly log: Logger,
  ) {
    this.store = new SegmentStore(db);
  }

  async plans(): Promise<SegmentPlan[]> {
    const plans = (await this.store.list()).map(planOf);
    // Reasons name referred segments by key; the list read last is recent enough for words.
    this.keys = new Map(plans.map((p) => [p.id, p.key]));
    return plans;
  }

  /** Full evaluations in progress on this instance. */
  progress(segmentId: string): Progress | null {
    return this.running.get(segmentId) ?? null;
  }

  /** Evaluates `plans` for the customers, then whatever refers to what changed. */
  async evaluate(
    plans: readonly SegmentPlan[],
    customerIds: readonly string[],
    trigger: Trigger,
    now = new Date(),
  ): Promise<Transition[]> {
    const transitions = await this.once(plans, customerIds, trigger, now);
    await this.ripple(transitions, now);
    return transitions;
  }

  /**
   * What a write to customers means for every segment: those whose rules read what changed,
   * for those customers, and those whose relatives' sub-rules read it, for their relatives.
   */
  async onChange(customerIds: readonly string[], change: CustomerChange): Promise<void> {
    if (customerIds.length === 0) {
      return;
    }
    const plans = await this.plans();
    const direct = plans.filter((p) => isAffectedBy(p.deps, change));
    const trigger: Trigger = { kind: 'change', change };
    await this.evaluate(direct, customerIds, trigger);
    const now = new Date();
    await this.ripple(await this.reachRelatives(plans, customerIds, change, trigger, now), now);
  }

  /**
   * New events: as {@link onChange} for the types of the whole batch, except that each
   * segment is evaluated only for the customers whose own new events it reads (a purchase
   * rule for the batch's buyers, not for everyone who viewed a page), and a relatives'
   * sub-rule only reaches the relatives of those customers. Still one transaction for the
   * segments the batch touches.
   */
  async onEvents(
    stored: readonly { customerId: string; types: readonly string[] }[],
  ): Promise<void> {
    if (stored.length === 0) {
      return;
    }
    const readers = (deps: RuleDependencies) =>
      stored
        .filter((s) => isAffectedBy(deps, { kind: 'events', eventTypes: s.types }))
        .map((s) => s.customerId);
    const plans = await this.plans();
    const scope = new Map<string, ReadonlySet<string>>();
    for (const plan of plans) {
      const ids = readers(plan.deps);
      if (ids.length > 0) {
        scope.set(plan.id, new Set(ids));
      }
    }
    const change: CustomerChange = {
      kind: 'events',
      eventTypes: [...new Set(stored.flatMap((s) => s.types))],
    };
    const trigger: Trigger = { kind: 'change', change };
    const now = new Date();
    const direct = plans.filter((p) => scope.has(p.id));
    const ids = [...new Set([...scope.values()].flatMap((set) => [...set]))];
    const transitions = await this.once(direct, ids, trigger, now, scope);
    await this.ripple(transitions, now);
    await this.ripple(
      await this.reachRelatives(plans, (relatives) => readers(relatives), change, trigger, now),
      now,
    );
  }

  /** Every customer against one segment, in chunks (after a definition, or as time passes). */
  async evaluateAll(plan: SegmentPlan, trigger: Trigger): Promise<number> {
    const total = await this.store.customerCount();
    const progress: Progress = { segmentId: plan.id, version: plan.version, evaluated: 0, total };
    this.running.set(plan.id, progress);
    let changed = 0;
    try {
      // One moment for the whole pass: windows close for everyone at the same instant.
      const now = new Date();
      for (let after: string | null = null; ;) {
        const ids = await this.store.customerChunk(after, this.chunkSize);
        if (ids.length === 0) {
          break;
        }
        changed += (await this.evaluate([plan], ids, trigger, now)).length;
        progress.evaluated += ids.length;
        after = ids[ids.length - 1]!;
      }
      // Members that are no customer any more (a pass over customers never meets them).
      for (let after: string | null = null; ;) {
        const ids = await this.store.memberIds(plan.id, after, this.chunkSize);
        if (ids.length === 0) {
          break;
        }
        changed += (await this.once([plan], ids, trigger, now)).length;
        after = ids[ids.length - 1]!;
      }
      if (trigger.kind === 'definition') {
        await this.store.markReady(plan.id, plan.version);
      }
      this.log.info(
        { segment: plan.id, version: plan.version, customers: progress.evaluated, changed },
        'segment evaluated in full',
      );
      return changed;
    } finally {
      this.running.delete(plan.id);
    }
  }

  /**
   * Builds segments whose definer stopped before finishing (their status stayed BUILDING) and
   * whose rule last changed over `ageMs` ago. Evaluation is idempotent, so an instance that
   * builds one another instance is still building only repeats work.
   */
  async finishAbandoned(ageMs: number): Promise<void> {
    for (const row of await this.store.abandoned(ageMs)) {
      if (!this.running.has(row.id)) {
        await this.evaluateAll(planOf(row), { kind: 'definition', version: row.version });
      }
    }
  }

  private async once(
    plans: readonly SegmentPlan[],
    customerIds: readonly string[],
    trigger: Trigger,
    now: Date,
    scope?: EvaluationScope,
  ): Promise<Transition[]> {
    if (plans.length === 0 || customerIds.length === 0) {
      return [];
    }
    if (customerIds.length > this.chunkSize) {
      // One transaction per chunk: locks and statements stay bounded whatever a write touched.
      const transitions: Transition[] = [];
      for (let i = 0; i < customerIds.length; i += this.chunkSize) {
        transitions.push(
          ...(await this.once(
            plans,
            customerIds.slice(i, i + this.chunkSize),
            trigger,
            now,
            scope,
          )),
        );
      }
      return transitions;
    }
    const transitions = await this.db.withTransaction((tx) =>
      evaluateSegments(
        tx,
        this.graph,
        plans,
        customerIds,
        trigger,
        now,
        scope,
        (id) => this.keys.get(id) ?? id,
      ),
    );
    if (transitions.length > 0) {
      this.feed.announce();
    }
    return transitions;
  }

  private async ripple(transitions: readonly Transition[], now: Date): Promise<void> {
    let wave = transitions;
    for (let depth = 0; wave.length > 0 && depth < MAX_CASCADE; depth += 1) {
      const plans = await this.plans();
      const next: Transition[] = [];
      const bySegment = groupBy(wave, (t) => t.segmentId);
      for (const [segmentId, moved] of bySegment) {
        const change: CustomerChange = { kind: 'membership', segmentId };
        const trigger: Trigger = { kind: 'change', change };
        const customers = moved.map((t) => t.customerId);
        const direct = plans.filter((p) => isAffectedBy(p.deps, change));
        next.push(...(await this.once(direct, customers, trigger, now)));
        next.push(...(await this.reachRelatives(plans, customers, change, trigger, now)));
      }
      wave = next;
    }
  }

  /**
   * Re-evaluates, for the relatives of `customerIds`, segments whose sub-rules read `change`.
   * `customerIds` as a function: the customers whose change those sub-rules read.
   */
  private async reachRelatives(
    plans: readonly SegmentPlan[],
    customerIds: readonly string[] | ((relatives: RuleDependencies) => readonly string[]),
    change: CustomerChange,
    trigger: Trigger,
    now = new Date(),
  ): Promise<Transition[]> {
    const reaching = plans.filter(
      (p) =>
        p.deps.relationshipTypes.size > 0 &&
        // A link or unlink changes who the relatives are: the sides are re-evaluated directly.
        p.deps.relatives !== null &&
        isAffectedBy(p.deps.relatives, change),
    );
    const transitions: Transition[] = [];
    for (const plan of reaching) {
      const changed =
        typeof customerIds === 'function' ? customerIds(plan.deps.relatives!) : customerIds;
      if (changed.length === 0) {
        continue;
      }
      const relatives = await this.graph.anyRelatives(changed, [...plan.deps.relationshipTypes]);
      transitions.push(...(await this.once([plan], relatives, trigger, now)));
    }
    return transitions;
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) {
      group.push(item);
    } else {
      groups.set(k, [item]);
    }
  }
  return groups;
}
