import { ChangeFeedStore, type NewFeedEntry } from '../../../changefeed/change-feed.store.js';
import type { Queryable } from '../../../datasources/postgres.js';
import type { SegmentNamer } from '../rule/describe.js';
import { dependenciesOf, type RuleDependencies } from '../rule/dependencies.js';
import { evaluateTree, type Leaf, leavesOf, referencedSegments, type Rule } from '../rule/rule.js';
import type { SegmentGraph } from '../segment.graph.js';
import { type Entering, MembershipStore } from '../segment-membership.store.js';
import { LeafEvaluator, type StoredMembership } from './leaf-evaluator.js';
import { reasonFor, type Trigger } from './reasons.js';

/** A stored segment made ready to evaluate. */
export interface SegmentPlan {
  id: string;
  key: string;
  version: number;
  rule: Rule;
  leaves: Leaf[];
  deps: RuleDependencies;
  refersTo: string[];
}

export function planOf(segment: {
  id: string;
  key: string;
  version: number;
  rule: Rule;
}): SegmentPlan {
  return {
    id: segment.id,
    key: segment.key,
    version: segment.version,
    rule: segment.rule,
    leaves: leavesOf(segment.rule),
    deps: dependenciesOf(segment.rule),
    refersTo: referencedSegments(segment.rule),
  };
}

/**
 * An evaluation decided from a rule that a definition has since replaced (or a segment since
 * deleted): it wrote nothing, and must be made again from the segments as they are now.
 */
export class StalePlans extends Error {
  constructor() {
    super('a segment changed while it was being evaluated');
  }
}

/** One customer entering or leaving one segment. */
export interface Transition {
  segmentId: string;
  customerId: string;
  change: 'ENTERED' | 'EXITED';
}

/**
 * Which customers each segment (by id) needs evaluating for; a segment absent from it, for
 * all of them. The caller vouches that nothing the segment reads changed for the others.
 */
export type EvaluationScope = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * Evaluates segments for customers inside the caller's transaction and writes what changed:
 * memberships, sizes and the change feed, together. Segments that refer to others are
 * evaluated after them, so "in segment X" reads X's new memberships.
 */
export async function evaluateSegments(
  tx: Queryable,
  graph: SegmentGraph,
  plans: readonly SegmentPlan[],
  customerIds: readonly string[],
  trigger: Trigger,
  now: Date,
  scope: EvaluationScope = new Map(),
  nameOf?: SegmentNamer,
): Promise<Transition[]> {
  const ids = [...new Set(customerIds)];
  if (plans.length === 0 || ids.length === 0) {
    return [];
  }
  const memberships = new MembershipStore(tx);
  await memberships.lockCustomers(ids);
  const evaluator = new LeafEvaluator(tx, graph, now);
  const transitions: Transition[] = [];
  const entries: NewFeedEntry[] = [];
  const deltas = new Map<string, number>();
  let sizes = new Map<string, number>();
  const inOrder = levels(plans);
  for (const [depth, level] of inOrder.entries()) {
    const values = await evaluator.evaluate(
      level.map((plan) => plan.rule),
      ids,
      level.map((plan) => scope.get(plan.id)),
      level.map((plan) => plan.id),
    );
    const current = new Map<string, StoredMembership>(
      [...values].flatMap(([customerId, value]) =>
        value.memberships.map((m) => [`${m.segmentId}/${customerId}`, m] as const),
      ),
    );
    const entering: Entering[] = [];
    const exiting: { segmentId: string; customerId: string }[] = [];
    const refreshing: Entering[] = [];
    const reasons = new Map<string, unknown>();
    level.forEach((plan, r) => {
      const only = scope.get(plan.id);
      for (const id of ids) {
        if (only !== undefined && !only.has(id)) {
          continue;
        }
        const value = values.get(id);
        const leaves = value?.leaves[r] ?? plan.leaves.map(() => false);
        const member = value !== undefined && value.present && evaluateTree(plan.rule, leaves);
        const key = `${plan.id}/${id}`;
        const existing = current.get(key);
        if (member && existing === undefined) {
          entering.push({
            segmentId: plan.id,
            customerId: id,
            conditions: leaves,
            version: plan.version,
          });
          reasons.set(
            key,
            reasonFor(true, plan.leaves, leaves, null, trigger, plan.version, nameOf),
          );
        } else if (!member && existing !== undefined) {
          exiting.push({ segmentId: plan.id, customerId: id });
          const was = existing.version === plan.version ? existing.conditions : null;
          reasons.set(
            key,
            reasonFor(false, plan.leaves, leaves, was, trigger, plan.version, nameOf),
          );
        } else if (
          member &&
          existing !== undefined &&
          !sameValues(existing, leaves, plan.version)
        ) {
          refreshing.push({
            segmentId: plan.id,
            customerId: id,
            conditions: leaves,
            version: plan.version,
          });
        }
      }
    });
    // The last level's write also moves the sizes of every level, so all the segment rows the
    // evaluation locks are locked together, in id order.
    const last = depth === inOrder.length - 1;
    const written = await memberships.write(
      entering,
      exiting,
      refreshing,
      now,
      last ? deltas : null,
      new Map(level.map((plan) => [plan.id, plan.version])),
    );
    if (written.stale) {
      throw new StalePlans();
    }
    if (last) {
      sizes = written.sizes;
    }
    for (const [done, change] of [
      [written.entered, 'ENTERED'],
      [written.exited, 'EXITED'],
    ] as const) {
      for (const key of done) {
        const [segmentId, customerId] = key.split('/') as [string, string];
        transitions.push({ segmentId, customerId, change });
        deltas.set(segmentId, (deltas.get(segmentId) ?? 0) + (change === 'ENTERED' ? 1 : -1));
        entries.push({
          stream: 'segment',
          segmentId,
          customerId,
          change,
          reason: reasons.get(key),
        });
      }
    }
  }
  await appendWithSizes(tx, entries, deltas, sizes);
  return transitions;
}

/**
 * Appends the entries, each carrying its segment's size once it applied, given the sizes after
 * the whole evaluation (`finalSizes`) and what it moved (`deltas`). Last in the transaction:
 * the feed's lock is taken after the segment rows, as every feed writer does.
 */
export async function appendWithSizes(
  tx: Queryable,
  entries: NewFeedEntry[],
  deltas: ReadonlyMap<string, number>,
  finalSizes: ReadonlyMap<string, number>,
): Promise<void> {
  if (entries.length === 0) {
    return;
  }
  const running = new Map([...finalSizes].map(([id, size]) => [id, size - (deltas.get(id) ?? 0)]));
  for (const entry of entries) {
    const size = (running.get(entry.segmentId!) ?? 0) + (entry.change === 'ENTERED' ? 1 : -1);
    running.set(entry.segmentId!, size);
    entry.sizeAfter = size;
  }
  await new ChangeFeedStore(tx).append(entries);
}

function sameValues(
  existing: { conditions: boolean[]; version: number },
  leaves: boolean[],
  version: number,
) {
  return (
    existing.version === version &&
    existing.conditions.length === leaves.length &&
    existing.conditions.every((v, i) => v === leaves[i])
  );
}

/** Plans grouped so each comes after every plan (of this set) it refers to. */
export function levels(plans: readonly SegmentPlan[]): SegmentPlan[][] {
  const byId = new Map(plans.map((p) => [p.id, p]));
  const depth = new Map<string, number>();
  const depthOf = (plan: SegmentPlan, seen: Set<string>): number => {
    const known = depth.get(plan.id);
    if (known !== undefined) {
      return known;
    }
    if (seen.has(plan.id)) {
      return 0;
    } // cycles are refused at definition; never loop here
    seen.add(plan.id);
    const inSet = plan.refersTo.map((id) => byId.get(id)).filter((p) => p !== undefined);
    const d = inSet.length === 0 ? 0 : 1 + Math.max(...inSet.map((p) => depthOf(p, seen)));
    depth.set(plan.id, d);
    return d;
  };
  const grouped: SegmentPlan[][] = [];
  for (const plan of plans) {
    const d = depthOf(plan, new Set());
    (grouped[d] ??= []).push(plan);
  }
  return grouped.filter((level) => level !== undefined);
}
