import type { Rule, Window } from './rule.js';

/** What can change a customer's membership (what the relay tells the segment follower). */
export type ChangeKind =
  'profile' | 'events' | 'consent' | 'relationship' | 'campaign' | 'membership';

/** One write's effect on one customer, as the follower sees it. */
export interface CustomerChange {
  kind: ChangeKind;
  /** For `events`: the types of the events stored. */
  eventTypes?: readonly string[];
  /** For `membership`: the segment whose membership changed. */
  segmentId?: string;
}

/** Everything a rule reads, so a write re-evaluates only the segments it can change. */
export interface RuleDependencies {
  kinds: Set<ChangeKind>;
  /** Event types read; null: any type (a condition without a type, or vectors). */
  eventTypes: Set<string> | null;
  segments: Set<string>;
  /** What the relatives' sub-rules read: a change to a customer re-evaluates their relatives. */
  relatives: RuleDependencies | null;
  /** The relationship types of those sub-rules. */
  relationshipTypes: Set<string>;
  /** A window, an age or a "since" that moves with the clock: re-checked on the time tick. */
  timeDependent: boolean;
  /**
   * The vectors similarity conditions compare with (a customer's, a product's): they move
   * without the members doing anything (the customer's own events, a refit), so the time tick
   * evaluates the segment again once they moved.
   */
  references: { customerIds: Set<string>; productIds: Set<string> };
  /**
   * Reads what other followers of the outbox write after the write commits (graph edges,
   * campaign targeting, preference vectors, predictions, the product or campaign an event names
   * once the catalogue has it): evaluated in the outbox's main lane, after them. A rule reading only what writes commit to PostgreSQL themselves is evaluated
   * in the segments lane, without waiting for them.
   */
  projections: boolean;
}

function empty(): RuleDependencies {
  return {
    kinds: new Set(),
    eventTypes: new Set(),
    segments: new Set(),
    relatives: null,
    relationshipTypes: new Set(),
    timeDependent: false,
    references: { customerIds: new Set(), productIds: new Set() },
    projections: false,
  };
}

/** Whether the rule compares with vectors that move on their own ({@link RuleDependencies.references}). */
export function hasReferences(deps: RuleDependencies): boolean {
  return deps.references.customerIds.size > 0 || deps.references.productIds.size > 0;
}

export function dependenciesOf(rule: Rule): RuleDependencies {
  const deps = empty();
  const events = (type: string | undefined | null) => {
    deps.kinds.add('events');
    if (type == null) {
      deps.eventTypes = null;
    } else {
      deps.eventTypes?.add(type);
    }
  };
  const moving = (window: Window | undefined) => {
    if (window !== undefined && 'lastMinutes' in window) {
      deps.timeDependent = true;
    }
  };
  const visit = (node: Rule): void => {
    if ('all' in node) {
      return node.all.forEach(visit);
    }
    if ('any' in node) {
      return node.any.forEach(visit);
    }
    if ('not' in node) {
      return visit(node.not);
    }
    if ('trait' in node || 'identity' in node) {
      deps.kinds.add('profile');
    } else if ('consent' in node) {
      deps.kinds.add('consent');
    } else if ('event' in node) {
      events(node.event.type);
      moving(node.event.window);
      if (node.event.aggregate === 'daysSinceFirst' || node.event.aggregate === 'daysSinceLast') {
        deps.timeDependent = true;
      }
    } else if ('followUpMissing' in node) {
      events(node.followUpMissing.type);
      events(node.followUpMissing.followedBy);
      deps.timeDependent = true;
    } else if ('productInteraction' in node) {
      node.productInteraction.types.forEach(events);
      // An event naming an item not yet in the catalogue gets its product later, from the
      // interaction follower (main).
      deps.projections = true;
      moving(node.productInteraction.window);
      // Products arrive and come back in stock without the customer doing anything.
      deps.timeDependent ||=
        node.productInteraction.newArrivalDays !== undefined ||
        node.productInteraction.restockedDays !== undefined;
    } else if ('campaign' in node) {
      if (node.campaign.relation === 'targeted') {
        deps.kinds.add('campaign');
      } else {
        events('campaign_touch');
      }
      // Targeting is read from the graph; a touch's campaign may be resolved later, by the
      // interaction follower (main), like an event's product.
      deps.projections = true;
      moving(node.campaign.window);
    } else if ('similarTo' in node) {
      // Preference vectors follow events, the profile's interests and consent.
      events(null);
      deps.kinds.add('profile');
      deps.kinds.add('consent');
      deps.projections = true;
      if (node.similarTo.customerId !== undefined) {
        deps.references.customerIds.add(node.similarTo.customerId);
      }
      if (node.similarTo.productId !== undefined) {
        deps.references.productIds.add(node.similarTo.productId);
      }
    } else if ('inSegment' in node) {
      deps.kinds.add('membership');
      deps.segments.add(node.inSegment.segmentId);
      deps.timeDependent ||=
        node.inSegment.enteredMoreThanMinutes !== undefined ||
        node.inSegment.enteredLessThanMinutes !== undefined;
    } else if ('prediction' in node) {
      // Rescored as purchases arrive (before segments run); refits and ageing move them too.
      events('purchase');
      deps.timeDependent = true;
      deps.projections = true;
    } else if ('relationship' in node) {
      deps.kinds.add('relationship');
      deps.relationshipTypes.add(node.relationship.type);
      deps.projections = true;
      if (node.relationship.to !== undefined) {
        const sub = dependenciesOf(node.relationship.to);
        deps.relatives = deps.relatives === null ? sub : merge(deps.relatives, sub);
        deps.timeDependent ||= sub.timeDependent;
        deps.references = mergeReferences(deps.references, sub.references);
      }
    }
  };
  visit(rule);
  return deps;
}

function merge(a: RuleDependencies, b: RuleDependencies): RuleDependencies {
  return {
    kinds: new Set([...a.kinds, ...b.kinds]),
    eventTypes:
      a.eventTypes === null || b.eventTypes === null
        ? null
        : new Set([...a.eventTypes, ...b.eventTypes]),
    segments: new Set([...a.segments, ...b.segments]),
    relatives:
      a.relatives === null
        ? b.relatives
        : b.relatives === null
          ? a.relatives
          : merge(a.relatives, b.relatives),
    relationshipTypes: new Set([...a.relationshipTypes, ...b.relationshipTypes]),
    timeDependent: a.timeDependent || b.timeDependent,
    references: mergeReferences(a.references, b.references),
    projections: a.projections || b.projections,
  };
}

function mergeReferences(
  a: RuleDependencies['references'],
  b: RuleDependencies['references'],
): RuleDependencies['references'] {
  return {
    customerIds: new Set([...a.customerIds, ...b.customerIds]),
    productIds: new Set([...a.productIds, ...b.productIds]),
  };
}

/** Whether `change` to a customer can change what `deps` read about that customer. */
export function isAffectedBy(deps: RuleDependencies, change: CustomerChange): boolean {
  if (!deps.kinds.has(change.kind)) {
    return false;
  }
  if (change.kind === 'events') {
    return (
      deps.eventTypes === null || (change.eventTypes ?? []).some((t) => deps.eventTypes!.has(t))
    );
  }
  if (change.kind === 'membership') {
    return change.segmentId !== undefined && deps.segments.has(change.segmentId);
  }
  return true;
}
