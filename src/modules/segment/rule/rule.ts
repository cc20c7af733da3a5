/**
 * A segment's rule as stored (segments.rule, versioned in segment_versions): a tree of
 * combinators over leaf conditions. Pure data, JSON as is; built from GraphQL input by
 * from-input.ts, which checks every bound, so code reading a stored rule can trust it.
 */
export type Rule =
  | { all: Rule[] }
  | { any: Rule[] }
  | { not: Rule }
  | { trait: TraitCondition }
  | { identity: { type: string } }
  | { consent: { purpose: string; granted: boolean } }
  | { event: EventCondition }
  | { followUpMissing: FollowUpMissingCondition }
  | { productInteraction: ProductInteractionCondition }
  | { relationship: RelationshipCondition }
  | { campaign: CampaignCondition }
  | { similarTo: SimilarityCondition }
  | { inSegment: InSegmentCondition }
  | { prediction: PredictionCondition };

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export type ValueOperator =
  | 'equals'
  | 'notEquals'
  | 'greaterThan'
  | 'greaterOrEqual'
  | 'lessThan'
  | 'lessOrEqual'
  | 'in'
  | 'contains'
  | 'exists'
  | 'notExists';

export type NumberOperator =
  'equals' | 'notEquals' | 'greaterThan' | 'greaterOrEqual' | 'lessThan' | 'lessOrEqual';

export interface TraitCondition {
  key: string;
  op: ValueOperator;
  /** For every operator but in / exists / notExists. */
  value?: Json;
  /** For `in`. */
  values?: Json[];
}

/** `lastMinutes` before the moment of evaluation, or a fixed period. */
export type Window = { lastMinutes: number } | { from: string; to: string };

export type EventAggregate =
  'count' | 'sum' | 'average' | 'first' | 'last' | 'daysSinceFirst' | 'daysSinceLast';

export interface EventCondition {
  type?: string;
  name?: string;
  where: PropertyFilter[];
  aggregate: EventAggregate;
  /** The numeric property summed, averaged, or read from the first / last event. */
  property?: string;
  op: NumberOperator;
  value: number;
  window?: Window;
}

export interface PropertyFilter {
  key: string;
  op: ValueOperator;
  value?: Json;
  values?: Json[];
}

/** An event of `type` older than `olderThanMinutes` (and within `withinMinutes`) with no `followedBy` after it. */
export interface FollowUpMissingCondition {
  type: string;
  followedBy: string;
  olderThanMinutes: number;
  withinMinutes: number;
}

export interface ProductInteractionCondition {
  types: string[];
  category?: string;
  /** Only products created within this many days (new arrivals). */
  newArrivalDays?: number;
  /** Only products back in stock within this many days. */
  restockedDays?: number;
  minCount: number;
  window?: Window;
}

export type Direction = 'outgoing' | 'incoming' | 'either';

export interface RelationshipCondition {
  type: string;
  direction: Direction;
  /** What the relative must match; absent: any relative. */
  to?: Rule;
}

export interface CampaignCondition {
  campaignId: string;
  relation: 'targeted' | 'responded';
  window?: Window;
}

export interface SimilarityCondition {
  customerId?: string;
  productId?: string;
  /** Cosine distance (0 same direction, 2 opposite). */
  maxDistance: number;
}

export interface InSegmentCondition {
  segmentId: string;
  enteredMoreThanMinutes?: number;
  enteredLessThanMinutes?: number;
}

/** A predictive trait (src/modules/prediction) compared with a value. */
export interface PredictionCondition {
  measure: 'churnRisk' | 'pAlive' | 'clv' | 'rfmRecency' | 'rfmFrequency' | 'rfmMonetary';
  op: NumberOperator;
  value: number;
}

/** One leaf of a rule with where it sits: conditions are numbered in this (depth-first) order. */
export interface Leaf {
  index: number;
  path: string;
  rule: Rule;
}

const COMBINATORS = new Set(['all', 'any', 'not']);

export function kindOf(rule: Rule): string {
  return Object.keys(rule)[0]!;
}

export function isCombinator(rule: Rule): boolean {
  return COMBINATORS.has(kindOf(rule));
}

/** The leaves of a rule, depth first, with their paths (`all[1].event`). */
export function leavesOf(rule: Rule): Leaf[] {
  const leaves: Leaf[] = [];
  const visit = (node: Rule, path: string) => {
    if ('all' in node || 'any' in node) {
      const children = 'all' in node ? node.all : node.any;
      const name = 'all' in node ? 'all' : 'any';
      children.forEach((child, i) => visit(child, `${path}${name}[${i}].`));
    } else if ('not' in node) {
      visit(node.not, `${path}not.`);
    } else {
      leaves.push({ index: leaves.length, path: `${path}${kindOf(node)}`, rule: node });
    }
  };
  visit(rule, '');
  return leaves;
}

/** The rule's value given each leaf's truth, in {@link leavesOf} order. */
export function evaluateTree(rule: Rule, leafValues: readonly boolean[]): boolean {
  let next = 0;
  const visit = (node: Rule): boolean => {
    if ('all' in node) {
      // Every child is visited, so leaf numbering stays aligned.
      return node.all.map(visit).every(Boolean);
    }
    if ('any' in node) {
      return node.any.map(visit).some(Boolean);
    }
    if ('not' in node) {
      return !visit(node.not);
    }
    return leafValues[next++] ?? false;
  };
  return visit(rule);
}

/** Segments a rule refers to (inSegment, at any depth, relationship sub-rules included). */
export function referencedSegments(rule: Rule): string[] {
  const found = new Set<string>();
  const visit = (node: Rule) => {
    if ('all' in node) {
      node.all.forEach(visit);
    } else if ('any' in node) {
      node.any.forEach(visit);
    } else if ('not' in node) {
      visit(node.not);
    } else if ('inSegment' in node) {
      found.add(node.inSegment.segmentId);
    } else if ('relationship' in node && node.relationship.to) {
      visit(node.relationship.to);
    }
  };
  visit(rule);
  return [...found];
}
