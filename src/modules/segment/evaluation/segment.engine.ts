import type { ChangeFeed } from '../../../changefeed/change-feed.js';
import type { Postgres, Queryable } from '../../../datasources/postgres.js';
import type { Logger } from '../../../logger.js';
import { OutboxStore } from '../../../outbox/outbox.store.js';
import {
  type CustomerChange,
  hasReferences,
  isAffectedBy,
  type RuleDependencies,
} from '../rule/dependencies.js';
import type { SegmentGraph } from '../segment.graph.js';
import { SegmentStore } from '../segment.store.js';
import { SegmentMembershipsMoved } from '../segment.topics.js';
import type { Trigger } from './reasons.js';
import {
  evaluateSegments,
  type EvaluationScope,
  planOf,
  type SegmentPlan,
  StalePlans,
  type Transition,
} from './segment-evaluator.js';

/**
 * How far one change ripples through segments that refer to segments: the longest chain of
 * references a definition may make (checked when it is stored), so every link is reached.
 */
export const MAX_CASCADE = 5;

/**
 * How often an evaluation is made again after definitions replaced the rules it read; past
 * that, it fails, and the outbox message that asked for it is retried later.
 */
const MAX_STALE_RETRIES = 3;

/**
 * Which segments a follower evaluates, and what it does with the rest: the outbox lane's view
 * of the segments (docs/events.md).
 */
export interface SegmentLane {
  /** The segments this lane evaluates for a write (and, when it hands over, in ripples). */
  evaluates(plan: SegmentPlan): boolean;
  /**
   * Whether the ripple to the other segments is handed to the main lane (a
   * SegmentMembershipsMoved message in the evaluation's transaction) rather than evaluated
   * here: a lane that does not wait for the graph must not evaluate what reads it.
   */
  handsOver: boolean;
}

/** Outside the outbox lanes (a definition, the time tick) and for ripples: every segment. */
const EVERYTHING: SegmentLane = { evaluates: () => true, handsOver: false };

/** The main lane: segments reading the graph, vectors or predictions, and every ripple. */
export const MAIN_SEGMENTS: SegmentLane = {
  evaluates: (plan) => plan.deps.projections,
  handsOver: false,
};

/** The segments lane: segments whose rules read only what writes commit to PostgreSQL. */
export const WRITE_SEGMENTS: SegmentLane = {
  evaluates: (plan) => !plan.deps.projections,
  handsOver: true,
};

interface Progress {
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
  /** Full evaluations running on this instance (their progress is in segment_builds). */
  private readonly running = new Map<string, Progress>();
  /**
   * When this instance last began a full pass (that completed) of each segment version
   * comparing with vectors, on the database's clock.
   */
  private readonly passedAt = new Map<string, Date>();
  private keys = new Map<string, string>();

  constructor(
    private readonly db: Postgres,
    private readonly graph: SegmentGraph,
    private readonly feed: ChangeFeed,
    private readonly chunkSize: number,
    private readonly log: Logger,
    /** Rings the outbox relays after a commit that handed a ripple over to main. */
    private readonly wakeRelays: () => void = () => undefined,
  ) {
    this.store = new SegmentStore(db);
  }

  async plans(): Promise<SegmentPlan[]> {
    const plans = (await this.store.list()).map(planOf);
    // Reasons name referred segments by key; the list read last is recent enough for words.
    this.keys = new Map(plans.map((p) => [p.id, p.key]));
    return plans;
  }

  /**
   * The segments time has moved: those whose rules move with the clock (windows, ages), and
   * those comparing with vectors that moved since this instance last evaluated them in full
   * (or that it never has). Built ones only: a build in progress evaluates everyone with the
   * time it runs at anyway, and a pass beside it would repeat its work.
   */
  async timeDependentPlans(): Promise<SegmentPlan[]> {
    const built = (await this.store.list()).filter((row) => row.status === 'ready').map(planOf);
    const moved = async (plan: SegmentPlan) => {
      const passed = this.passedAt.get(`${plan.id}@${plan.version}`);
      if (passed === undefined) {
        return true;
      }
      const { customerIds, productIds } = plan.deps.references;
      const at = await this.store.vectorsUpdatedAt([...customerIds], [...productIds]);
      return at !== null && at >= passed;
    };
    const due: SegmentPlan[] = [];
    for (const plan of built) {
      if (plan.deps.timeDependent || (hasReferences(plan.deps) && (await moved(plan)))) {
        due.push(plan);
      }
    }
    return due;
  }

  /**
   * Evaluates `plans` for the customers, then whatever refers to what changed. With a lane
   * that hands over, only its own segments, the rest through the main lane.
   */
  async evaluate(
    plans: readonly SegmentPlan[],
    customerIds: readonly string[],
    trigger: Trigger,
    now = new Date(),
    lane: SegmentLane = EVERYTHING,
  ): Promise<Transition[]> {
    const all = lane.handsOver ? await this.plans() : [];
    const transitions = await this.once(plans, customerIds, trigger, now, undefined, {
      lane,
      all,
    });
    await this.ripple(transitions, now, lane.handsOver ? all : undefined, lane);
    return transitions;
  }

  /**
   * Main's side of a hand-over: what the moved memberships ripple to, evaluated here (segments
   * of the other lane that read them again too: idempotent, and simpler than a first wave of
   * its own). A ripple reads only who moved in which segment, not which way.
   */
  async onMoved(moved: readonly { segmentId: string; customerIds: readonly string[] }[]) {
    const transitions = moved.flatMap(({ segmentId, customerIds }) =>
      customerIds.map((customerId) => ({ segmentId, customerId, change: 'ENTERED' as const })),
    );
    await this.ripple(transitions, new Date());
  }

  /**
   * What a write to customers means for every segment: those whose rules read what changed,
   * for those customers, and those whose relatives' sub-rules read it, for their relatives;
   * all in one evaluation (one transaction per chunk), then the ripple.
   */
  async onChange(
    customerIds: readonly string[],
    change: CustomerChange,
    lane: SegmentLane,
    all?: readonly SegmentPlan[],
  ): Promise<void> {
    if (customerIds.length === 0) {
      return;
    }
    all ??= await this.plans();
    const plans = all.filter(lane.evaluates);
    const scope = new Map<string, Set<string>>();
    for (const plan of plans.filter((p) => isAffectedBy(p.deps, change))) {
      widen(scope, plan.id, customerIds);
    }
    await this.reachRelatives(plans, scope, () => customerIds, change);
    await this.evaluateScoped(all, scope, { kind: 'change', change }, lane);
  }

  /**
   * Customers changed as a whole (merged into another, erased): segments whose rules read
   * relationships are evaluated again for their relatives, whose relative is now someone else
   * or no one. `known`: the relatives, when the graph no longer has them (an erased customer's
   * node is gone); otherwise read from the graph, where a merge has moved every link to the
   * survivor by the time the main lane gets here.
   */
  async onRelativesOf(
    customerIds: readonly string[],
    lane: SegmentLane,
    known?: readonly string[],
  ): Promise<void> {
    const all = await this.plans();
    const types = new Set(all.filter(lane.evaluates).flatMap((p) => [...p.deps.relationshipTypes]));
    if (types.size === 0 || customerIds.length === 0) {
      return;
    }
    const relatives = known ?? (await this.graph.anyRelatives(customerIds, [...types]));
    const others = relatives.filter((id) => !customerIds.includes(id));
    await this.onChange([...new Set(others)], { kind: 'relationship' }, lane, all);
  }

  /**
   * New events: as {@link onChange} for the types of the whole batch, except that each
   * segment is evaluated only for the customers whose own new events it reads (a purchase
   * rule for the batch's buyers, not for everyone who viewed a page), and a relatives'
   * sub-rule only reaches the relatives of those customers. One transaction (per chunk) for
   * every segment the batch touches, directly or through a relative. `all`: every plan, when
   * the caller has just read them ({@link plans}).
   */
  async onEvents(
    stored: readonly { customerId: string; types: readonly string[] }[],
    lane: SegmentLane,
    all?: readonly SegmentPlan[],
  ): Promise<void> {
    if (stored.length === 0) {
      return;
    }
    const readers = (deps: RuleDependencies) =>
      stored
        .filter((s) => isAffectedBy(deps, { kind: 'events', eventTypes: s.types }))
        .map((s) => s.customerId);
    all ??= await this.plans();
    const plans = all.filter(lane.evaluates);
    const scope = new Map<string, Set<string>>();
    for (const plan of plans) {
      const ids = readers(plan.deps);
      if (ids.length > 0) {
        widen(scope, plan.id, ids);
      }
    }
    const change: CustomerChange = {
      kind: 'events',
      eventTypes: [...new Set(stored.flatMap((s) => s.types))],
    };
    await this.reachRelatives(plans, scope, readers, change);
    await this.evaluateScoped(all, scope, { kind: 'change', change }, lane);
  }

  /** Evaluates each plan `scope` names for its customers, in one pass, then the ripple. */
  private async evaluateScoped(
    plans: readonly SegmentPlan[],
    scope: ReadonlyMap<string, ReadonlySet<string>>,
    trigger: Trigger,
    lane: SegmentLane,
  ): Promise<void> {
    const now = new Date();
    const scoped = plans.filter((p) => scope.has(p.id));
    const ids = [...new Set([...scope.values()].flatMap((set) => [...set]))];
    const transitions = await this.once(scoped, ids, trigger, now, scope, { lane, all: plans });
    await this.ripple(transitions, now, plans, lane);
  }

  /**
   * Every customer against one segment, in chunks (after a definition, or as time passes).
   * A pass is of one version: it stops at the first chunk that finds the segment redefined
   * or deleted (the new definition runs a full pass of its own), having written nothing for it.
   */
  async evaluateAll(plan: SegmentPlan, trigger: Trigger): Promise<number> {
    const total = await this.store.customerCount();
    const progress: Progress = { segmentId: plan.id, version: plan.version, evaluated: 0, total };
    this.running.set(plan.id, progress);
    let changed = 0;
    try {
      await this.recordProgress(progress);
      // On the database's clock, as vectors are stamped: those written after it are not seen.
      const started = hasReferences(plan.deps) ? await this.store.now() : null;
      // One moment for the whole pass: windows close for everyone at the same instant.
      const now = new Date();
      const chunkSize = this.chunkSize;
      const passes = [
        {
          ofCustomers: true,
          next: (after: string | null) => this.store.customerChunk(after, chunkSize),
        },
        // Members that are no customer any more (a pass over customers never meets them).
        {
          ofCustomers: false,
          next: (after: string | null) => this.store.memberIds(plan.id, after, chunkSize),
        },
      ];
      for (const { ofCustomers, next } of passes) {
        for (let ids = await next(null); ids.length > 0; ids = await next(ids[ids.length - 1]!)) {
          const moved = await this.evaluateVersion(plan, ids, trigger, now);
          if (moved === null) {
            this.log.info(
              { segment: plan.id, version: plan.version, customers: progress.evaluated, changed },
              'segment evaluation stopped: a newer definition replaced this version',
            );
            return changed;
          }
          changed += moved.length;
          if (ofCustomers) {
            progress.evaluated += ids.length;
            await this.recordProgress(progress);
          }
        }
      }
      if (trigger.kind === 'definition') {
        await this.store.markReady(plan.id, plan.version);
      }
      if (started !== null) {
        this.passedAt.set(`${plan.id}@${plan.version}`, started);
      }
      this.log.info(
        { segment: plan.id, version: plan.version, customers: progress.evaluated, changed },
        'segment evaluated in full',
      );
      return changed;
    } finally {
      // A newer version's pass on this instance may have put its own progress in the meantime.
      if (this.running.get(plan.id) === progress) {
        this.running.delete(plan.id);
      }
      await this.store.endProgress(plan.id, plan.version).catch((error: unknown) => {
        // Shown for two more minutes at most; not worth failing the pass for.
        this.log.warn({ err: error, segment: plan.id }, 'clearing a build’s progress failed');
      });
    }
  }

  /** Progress is for people watching: failing to record it must not fail the pass. */
  private async recordProgress(progress: Progress): Promise<void> {
    await this.store.recordProgress(progress).catch((error: unknown) => {
      this.log.warn(
        { err: error, segment: progress.segmentId },
        'recording a build’s progress failed',
      );
    });
  }

  /**
   * One chunk of a full pass, then its ripple; null, having written nothing, when the segment
   * was redefined or deleted since the plan was read.
   */
  private async evaluateVersion(
    plan: SegmentPlan,
    customerIds: readonly string[],
    trigger: Trigger,
    now: Date,
  ): Promise<Transition[] | null> {
    let transitions: Transition[];
    try {
      transitions = await this.once([plan], customerIds, trigger, now, undefined, undefined, 0);
    } catch (error) {
      if (error instanceof StalePlans) {
        return null;
      }
      throw error;
    }
    await this.ripple(transitions, now);
    return transitions;
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

  /**
   * One evaluation, one transaction per chunk. `within`: the lane it runs in and every plan;
   * a lane that hands over adds, in the same transaction, a message for main naming the
   * memberships that moved which segments it leaves to main read.
   */
  private async once(
    plans: readonly SegmentPlan[],
    customerIds: readonly string[],
    trigger: Trigger,
    now: Date,
    scope?: EvaluationScope,
    within: { lane: SegmentLane; all: readonly SegmentPlan[] } = { lane: EVERYTHING, all: [] },
    /** How many times to evaluate again, under the current plans, an evaluation gone stale. */
    retries = MAX_STALE_RETRIES,
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
            within,
            retries,
          )),
        );
      }
      return transitions;
    }
    let handedOver = false;
    let transitions: Transition[];
    try {
      transitions = await this.db.withTransaction(async (tx) => {
        const moved = await evaluateSegments(
          tx,
          this.graph,
          plans,
          customerIds,
          trigger,
          now,
          scope,
          (id) => this.keys.get(id) ?? id,
        );
        if (within.lane.handsOver) {
          handedOver = await handOver(
            tx,
            moved,
            within.all.filter((p) => !within.lane.evaluates(p)),
          );
        }
        return moved;
      });
    } catch (error) {
      if (!(error instanceof StalePlans) || retries <= 0) {
        throw error;
      }
      // A definition landed since the plans were read: the same segments, as they are now
      // (a deleted one is left out).
      const current = new Map((await this.plans()).map((p) => [p.id, p]));
      const fresh = (list: readonly SegmentPlan[]) =>
        list.map((p) => current.get(p.id)).filter((p) => p !== undefined);
      return this.once(
        fresh(plans),
        customerIds,
        trigger,
        now,
        scope,
        { lane: within.lane, all: fresh(within.all) },
        retries - 1,
      );
    }
    if (transitions.length > 0) {
      this.feed.announce();
    }
    if (handedOver) {
      this.wakeRelays();
    }
    return transitions;
  }

  /**
   * Evaluates what refers to the segments `transitions` changed, wave after wave: segments
   * reading their memberships, for the customers who moved, and segments whose relatives'
   * sub-rules read them, for those customers' relatives. `known`: the plans the caller just
   * read, for the first wave (later waves read them again, as a definition may have landed).
   */
  private async ripple(
    transitions: readonly Transition[],
    now: Date,
    known?: readonly SegmentPlan[],
    lane: SegmentLane = EVERYTHING,
  ): Promise<void> {
    let wave = transitions;
    let plans = known;
    for (let depth = 0; wave.length > 0 && depth < MAX_CASCADE; depth += 1) {
      plans ??= await this.plans();
      // A lane that does not hand over (main) evaluates whatever the change reaches.
      const evaluated = lane.handsOver ? plans.filter(lane.evaluates) : plans;
      const next: Transition[] = [];
      for (const [segmentId, moved] of groupBy(wave, (t) => t.segmentId)) {
        const change: CustomerChange = { kind: 'membership', segmentId };
        const customers = moved.map((t) => t.customerId);
        const scope = new Map<string, Set<string>>();
        for (const plan of evaluated.filter((p) => isAffectedBy(p.deps, change))) {
          widen(scope, plan.id, customers);
        }
        await this.reachRelatives(evaluated, scope, () => customers, change);
        if (scope.size > 0) {
          const scoped = plans.filter((p) => scope.has(p.id));
          const ids = [...new Set([...scope.values()].flatMap((set) => [...set]))];
          next.push(
            ...(await this.once(scoped, ids, { kind: 'change', change }, now, scope, {
              lane,
              all: plans,
            })),
          );
        }
      }
      wave = next;
      plans = undefined;
    }
  }

  /**
   * Adds to `scope`, for each plan whose relatives' sub-rules read `change`, the relatives of
   * the customers it changed for. `changedFor`: those customers, given what the sub-rules read.
   */
  private async reachRelatives(
    plans: readonly SegmentPlan[],
    scope: Map<string, Set<string>>,
    changedFor: (relatives: RuleDependencies) => readonly string[],
    change: CustomerChange,
  ): Promise<void> {
    const reaching = plans.filter(
      (p) =>
        p.deps.relationshipTypes.size > 0 &&
        // A link or unlink changes who the relatives are: the sides are re-evaluated directly.
        p.deps.relatives !== null &&
        isAffectedBy(p.deps.relatives, change),
    );
    for (const plan of reaching) {
      const changed = changedFor(plan.deps.relatives!);
      if (changed.length > 0) {
        const relatives = await this.graph.anyRelatives(changed, [...plan.deps.relationshipTypes]);
        if (relatives.length > 0) {
          widen(scope, plan.id, relatives);
        }
      }
    }
  }
}

/**
 * Hands the ripple of `moved` to the main lane: for each segment that moved and that one of
 * `mainPlans` reads (directly, or through a relatives' sub-rule), a message naming who moved.
 * True when it wrote any.
 */
async function handOver(
  tx: Queryable,
  moved: readonly Transition[],
  mainPlans: readonly SegmentPlan[],
): Promise<boolean> {
  const messages = [...groupBy(moved, (t) => t.segmentId)]
    .filter(([segmentId]) => {
      const change: CustomerChange = { kind: 'membership', segmentId };
      return mainPlans.some(
        (p) =>
          isAffectedBy(p.deps, change) ||
          (p.deps.relatives !== null && isAffectedBy(p.deps.relatives, change)),
      );
    })
    .map(([segmentId, transitions]) =>
      SegmentMembershipsMoved.message({
        segmentId,
        customerIds: transitions.map((t) => t.customerId),
      }),
    );
  await new OutboxStore(tx).add(messages);
  return messages.length > 0;
}

/** Adds `ids` to the customers `scope` evaluates plan `planId` for. */
function widen(scope: Map<string, Set<string>>, planId: string, ids: readonly string[]): void {
  const set = scope.get(planId) ?? new Set<string>();
  ids.forEach((id) => set.add(id));
  scope.set(planId, set);
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
