import {
  type CustomerChange,
  dependenciesOf,
  hasReferences,
  isAffectedBy,
} from '../rule/dependencies.js';
import { describe, type SegmentNamer } from '../rule/describe.js';
import type { Leaf } from '../rule/rule.js';

/** What made the gateway look at a customer again. */
export type Trigger =
  | { kind: 'definition'; version: number }
  | { kind: 'time' }
  | { kind: 'change'; change: CustomerChange }
  | { kind: 'merge'; mergedInto: string }
  | { kind: 'unmerge'; mergeId: string }
  | { kind: 'erasure' };

export interface ConditionChange {
  path: string;
  description: string;
  was: boolean | null;
  now: boolean;
}

/** Why a customer entered or left a segment, as stored in the change feed. */
export interface ChangeReason {
  summary: string;
  trigger: string;
  ruleVersion: number;
  conditions: ConditionChange[];
}

export function triggerWords(trigger: Trigger, nameOf: SegmentNamer = (id) => id): string {
  switch (trigger.kind) {
    case 'definition':
      return `segment defined or changed (version ${trigger.version})`;
    case 'time':
      return 'time passed';
    case 'merge':
      return `merged into ${trigger.mergedInto}`;
    case 'unmerge':
      return `merge ${trigger.mergeId} undone`;
    case 'erasure':
      return 'customer erased';
    case 'change': {
      const c = trigger.change;
      if (c.kind === 'events') {
        return `events: ${(c.eventTypes ?? []).join(', ')}`;
      }
      if (c.kind === 'membership') {
        return `membership of segment ${c.segmentId === undefined ? '?' : nameOf(c.segmentId)} changed`;
      }
      return `${c.kind} changed`;
    }
  }
}

/**
 * Which conditions flipped. Leaving: the stored values (same rule version) against the new
 * ones, exactly; with no stored values of this version (the rule was redefined), the
 * conditions that do not hold. Entering: nothing was stored for a non-member, so the
 * conditions the trigger can move are named, with their new value (all of them when the
 * trigger is the definition).
 */
export function reasonFor(
  entered: boolean,
  leaves: readonly Leaf[],
  now: readonly boolean[],
  was: readonly boolean[] | null,
  trigger: Trigger,
  ruleVersion: number,
  nameOf?: SegmentNamer,
): ChangeReason {
  // Entering, only conditions that now hold explain it; leaving, exactly those that flipped
  // (without stored values, those the trigger moved that no longer hold).
  const changed = leaves.filter((leaf, i) =>
    was !== null ? was[i] !== now[i] : movedBy(leaf, trigger) && now[i] === entered,
  );
  const holding = leaves.filter((leaf) => now[leaf.index] === true);
  const failing = leaves.filter((leaf) => now[leaf.index] !== true);
  const explaining = entered ? holding : failing;
  const shown = changed.length > 0 ? changed : explaining.length > 0 ? explaining : leaves;
  const conditions = shown.map((leaf) => ({
    path: leaf.path,
    description: describe(leaf.rule, nameOf),
    was: was?.[leaf.index] ?? null,
    now: now[leaf.index] ?? false,
  }));
  const lead = entered ? 'entered' : 'left';
  const sentence = conditions
    // "No longer" only when it is known to have held: not after a redefinition.
    .map((c) => `${c.now ? '' : c.was === null ? 'not met: ' : 'no longer: '}${c.description}`)
    .join('; ');
  return {
    summary: `${lead} (${triggerWords(trigger, nameOf)}): ${sentence}`,
    trigger: triggerWords(trigger, nameOf),
    ruleVersion,
    conditions,
  };
}

function movedBy(leaf: Leaf, trigger: Trigger): boolean {
  if (trigger.kind === 'change') {
    return isAffectedBy(dependenciesOf(leaf.rule), trigger.change);
  }
  if (trigger.kind === 'time') {
    const deps = dependenciesOf(leaf.rule);
    return deps.timeDependent || hasReferences(deps);
  }
  return false;
}
