import { ErrorCode, GatewayError } from '../../../errors.js';
import { UUID_PATTERN } from '../../../lib/ids.js';
import { DIRECTED_RELATIONSHIPS } from '../../relationship/relationship.kinds.js';
import type {
  DurationInput,
  SegmentRuleInput,
  ValueConditionInput,
  WindowInput,
} from '../segment-rule.inputs.js';
import type { Json, PropertyFilter, Rule, Window } from './rule.js';

/** The bounds a rule must keep, so one definition cannot make evaluation unbounded. */
export const RULE_LIMITS = {
  maxConditions: 64,
  maxDepth: 10,
  /** Relationship conditions inside relationship conditions. */
  maxRelationshipNesting: 2,
  maxWindowMinutes: 5 * 366 * 1440,
  /** A condition over events of every type must look at no more than this. */
  maxUntypedWindowMinutes: 90 * 1440,
  maxInValues: 1_000,
  keyPattern: /^[A-Za-z0-9_.:-]{1,64}$/,
  eventTypePattern: /^[a-z][a-z0-9_]{0,63}$/,
} as const;

export interface RuleInputOptions {
  /** Identifier kinds this deployment adds (IDENTITY_CUSTOM_TYPES). */
  customIdentityTypes: readonly string[];
}

export type RuleErrorReason =
  | 'ONE_FIELD_PER_NODE'
  | 'EMPTY_COMBINATOR'
  | 'TOO_LARGE'
  | 'TOO_DEEP'
  | 'WINDOW_OUT_OF_RANGE'
  | 'UNBOUNDED_SCAN'
  | 'INVALID_VALUE';

export function ruleError(
  reason: RuleErrorReason | 'UNKNOWN_SEGMENT',
  path: string,
  message: string,
) {
  return new GatewayError(ErrorCode.INVALID_SEGMENT_RULE, `${path || 'rule'}: ${message}`, {
    extensions: { reason, path: path || 'rule' },
  });
}

/**
 * Checks a rule given as GraphQL input and returns it as stored. Every problem names the node
 * (`and[1].event.window`) and a stable `extensions.reason`; nothing is stored on failure.
 */
export function ruleFromInput(input: SegmentRuleInput, options: RuleInputOptions): Rule {
  let conditions = 0;
  const build = (node: SegmentRuleInput, path: string, depth: number, nesting: number): Rule => {
    if (depth > RULE_LIMITS.maxDepth) {
      throw ruleError('TOO_DEEP', path, `rules may nest at most ${RULE_LIMITS.maxDepth} levels`);
    }
    const set = Object.entries(node).filter(([, value]) => value != null);
    if (set.length !== 1) {
      throw ruleError(
        'ONE_FIELD_PER_NODE',
        path,
        `set exactly one of and, or, not or a condition (found ${set.length === 0 ? 'none' : set.map(([k]) => k).join(', ')})`,
      );
    }
    const [field, value] = set[0]!;
    const at = path ? `${path}.${field}` : field;
    if (field === 'and' || field === 'or') {
      const children = value as SegmentRuleInput[];
      if (children.length === 0) {
        throw ruleError('EMPTY_COMBINATOR', at, `${field} needs at least one rule`);
      }
      const built = children.map((child, i) => build(child, `${at}[${i}]`, depth + 1, nesting));
      return field === 'and' ? { all: built } : { any: built };
    }
    if (field === 'not') {
      return { not: build(value as SegmentRuleInput, at, depth + 1, nesting) };
    }
    conditions += 1;
    if (conditions > RULE_LIMITS.maxConditions) {
      throw ruleError(
        'TOO_LARGE',
        at,
        `a rule may have at most ${RULE_LIMITS.maxConditions} conditions`,
      );
    }
    if (field === 'relationship') {
      const r = node.relationship!;
      if (r.to != null && nesting >= RULE_LIMITS.maxRelationshipNesting) {
        throw ruleError(
          'TOO_DEEP',
          at,
          `relationship conditions may nest at most ${RULE_LIMITS.maxRelationshipNesting} deep`,
        );
      }
      return {
        relationship: {
          type: r.type,
          direction: DIRECTED_RELATIONSHIPS.has(r.type) ? r.direction : 'either',
          ...(r.to != null ? { to: build(r.to, `${at}.to`, depth + 1, nesting + 1) } : {}),
        },
      };
    }
    return leaf(node, at, options);
  };
  return build(input, '', 1, 0);
}

function leaf(node: SegmentRuleInput, at: string, options: RuleInputOptions): Rule {
  if (node.trait) {
    return { trait: valueCondition(node.trait, at) };
  }
  if (node.identity) {
    const { type, customType } = node.identity;
    if (type === 'custom') {
      if (customType == null || !options.customIdentityTypes.includes(customType)) {
        throw ruleError(
          'INVALID_VALUE',
          `${at}.customType`,
          `customType must be one of IDENTITY_CUSTOM_TYPES (${options.customIdentityTypes.join(', ') || 'none configured'})`,
        );
      }
      return { identity: { type: customType } };
    }
    return { identity: { type } };
  }
  if (node.consent) {
    return { consent: { purpose: node.consent.purpose, granted: node.consent.granted } };
  }
  if (node.event) {
    const e = node.event;
    const type = optionalName(e.type, `${at}.type`);
    const name = e.name ?? undefined;
    if (name !== undefined && (name.length === 0 || name.length > 200)) {
      throw ruleError('INVALID_VALUE', `${at}.name`, 'name must be 1 to 200 characters');
    }
    const window = windowOf(e.window, `${at}.window`);
    if (type === undefined && name === undefined && !isShortMovingWindow(window)) {
      throw ruleError(
        'UNBOUNDED_SCAN',
        at,
        `a condition over events of every type needs a window of the last ${RULE_LIMITS.maxUntypedWindowMinutes / 1440} days or less`,
      );
    }
    const needsProperty = ['sum', 'average', 'first', 'last'].includes(e.aggregate);
    if (needsProperty && e.property == null) {
      throw ruleError('INVALID_VALUE', `${at}.property`, `${e.aggregate} needs a property`);
    }
    if (!Number.isFinite(e.value)) {
      throw ruleError('INVALID_VALUE', `${at}.value`, 'value must be a finite number');
    }
    return {
      event: {
        ...(type !== undefined ? { type } : {}),
        ...(name !== undefined ? { name } : {}),
        where: (e.where ?? []).map((w, i) => valueCondition(w, `${at}.where[${i}]`)),
        aggregate: e.aggregate,
        ...(needsProperty ? { property: key(e.property!, `${at}.property`) } : {}),
        op: e.op,
        value: e.value,
        ...(window !== undefined ? { window } : {}),
      },
    };
  }
  if (node.followUpMissing) {
    const f = node.followUpMissing;
    const olderThanMinutes = minutes(f.olderThan, `${at}.olderThan`);
    const withinMinutes = minutes(f.within, `${at}.within`);
    if (withinMinutes <= olderThanMinutes) {
      throw ruleError(
        'WINDOW_OUT_OF_RANGE',
        `${at}.within`,
        'within must be longer than olderThan',
      );
    }
    return {
      followUpMissing: {
        type: requiredName(f.type, `${at}.type`),
        followedBy: requiredName(f.followedBy, `${at}.followedBy`),
        olderThanMinutes,
        withinMinutes,
      },
    };
  }
  if (node.productInteraction) {
    const p = node.productInteraction;
    if (p.types.length === 0 || p.types.length > 10) {
      throw ruleError('INVALID_VALUE', `${at}.types`, 'types must name 1 to 10 event types');
    }
    const days = (value: number | null | undefined, field: string) => {
      if (value == null) {
        return undefined;
      }
      if (!Number.isInteger(value) || value < 1 || value > 366) {
        throw ruleError('WINDOW_OUT_OF_RANGE', `${at}.${field}`, `${field} must be 1 to 366 days`);
      }
      return value;
    };
    if (!Number.isInteger(p.minCount) || p.minCount < 1 || p.minCount > 1_000_000) {
      throw ruleError('INVALID_VALUE', `${at}.minCount`, 'minCount must be 1 or more');
    }
    const window = windowOf(p.window, `${at}.window`);
    const newArrivalDays = days(p.newArrivalDays, 'newArrivalDays');
    const restockedDays = days(p.restockedDays, 'restockedDays');
    return {
      productInteraction: {
        types: p.types.map((t, i) => requiredName(t, `${at}.types[${i}]`)),
        ...(p.category != null ? { category: text(p.category, `${at}.category`) } : {}),
        ...(newArrivalDays !== undefined ? { newArrivalDays } : {}),
        ...(restockedDays !== undefined ? { restockedDays } : {}),
        minCount: p.minCount,
        ...(window !== undefined ? { window } : {}),
      },
    };
  }
  if (node.campaign) {
    const c = node.campaign;
    const window = windowOf(c.window, `${at}.window`);
    if (window !== undefined && c.relation === 'targeted') {
      throw ruleError('INVALID_VALUE', `${at}.window`, 'a window applies to RESPONDED only');
    }
    return {
      campaign: {
        campaignId: uuid(c.campaignId, `${at}.campaignId`),
        relation: c.relation,
        ...(window !== undefined ? { window } : {}),
      },
    };
  }
  if (node.similarTo) {
    const s = node.similarTo;
    if ((s.customerId == null) === (s.productId == null)) {
      throw ruleError('INVALID_VALUE', at, 'set exactly one of customerId and productId');
    }
    if (!(s.maxDistance > 0 && s.maxDistance <= 2)) {
      throw ruleError(
        'INVALID_VALUE',
        `${at}.maxDistance`,
        'maxDistance must be above 0 and at most 2',
      );
    }
    return {
      similarTo: {
        ...(s.customerId != null ? { customerId: uuid(s.customerId, `${at}.customerId`) } : {}),
        ...(s.productId != null ? { productId: uuid(s.productId, `${at}.productId`) } : {}),
        maxDistance: s.maxDistance,
      },
    };
  }
  if (node.prediction) {
    const p = node.prediction;
    if (!Number.isFinite(p.value)) {
      throw ruleError('INVALID_VALUE', `${at}.value`, 'value must be a finite number');
    }
    return { prediction: { measure: p.measure, op: p.op, value: p.value } };
  }
  const m = node.inSegment!;
  const more = m.enteredMoreThan ? minutes(m.enteredMoreThan, `${at}.enteredMoreThan`) : undefined;
  const less = m.enteredLessThan ? minutes(m.enteredLessThan, `${at}.enteredLessThan`) : undefined;
  return {
    inSegment: {
      segmentId: uuid(m.segmentId, `${at}.segmentId`),
      ...(more !== undefined ? { enteredMoreThanMinutes: more } : {}),
      ...(less !== undefined ? { enteredLessThanMinutes: less } : {}),
    },
  };
}

function valueCondition(input: ValueConditionInput, at: string): PropertyFilter {
  const op = input.op;
  const base = { key: key(input.key, `${at}.key`), op };
  if (op === 'exists' || op === 'notExists') {
    return base;
  }
  if (op === 'in') {
    const values = input.values ?? [];
    if (values.length === 0 || values.length > RULE_LIMITS.maxInValues) {
      throw ruleError(
        'INVALID_VALUE',
        `${at}.values`,
        `IN needs 1 to ${RULE_LIMITS.maxInValues} values`,
      );
    }
    return { ...base, values: values as Json[] };
  }
  if (input.value === undefined || input.value === null) {
    throw ruleError('INVALID_VALUE', `${at}.value`, `${op} needs a value`);
  }
  const ordered = ['greaterThan', 'greaterOrEqual', 'lessThan', 'lessOrEqual'].includes(op);
  if (ordered && typeof input.value !== 'number' && typeof input.value !== 'string') {
    throw ruleError('INVALID_VALUE', `${at}.value`, 'a comparison needs a number or a text');
  }
  return { ...base, value: input.value as Json };
}

function windowOf(input: WindowInput | null | undefined, at: string): Window | undefined {
  if (input == null) {
    return undefined;
  }
  if (input.last != null) {
    if (input.from != null || input.to != null) {
      throw ruleError('INVALID_VALUE', at, 'set either last or from and to');
    }
    const lastMinutes = input.last * (input.unit ?? 1440);
    if (
      !Number.isInteger(input.last) ||
      input.last < 1 ||
      lastMinutes > RULE_LIMITS.maxWindowMinutes
    ) {
      throw ruleError('WINDOW_OUT_OF_RANGE', at, 'last must be at least 1 and at most 5 years');
    }
    return { lastMinutes };
  }
  if (input.from == null || input.to == null) {
    throw ruleError('INVALID_VALUE', at, 'set last, or both from and to');
  }
  const span = (input.to.getTime() - input.from.getTime()) / 60_000;
  if (!(span > 0) || span > RULE_LIMITS.maxWindowMinutes) {
    throw ruleError('WINDOW_OUT_OF_RANGE', at, 'from must be before to, at most 5 years apart');
  }
  return { from: input.from.toISOString(), to: input.to.toISOString() };
}

function isShortMovingWindow(window: Window | undefined): boolean {
  return (
    window !== undefined &&
    'lastMinutes' in window &&
    window.lastMinutes <= RULE_LIMITS.maxUntypedWindowMinutes
  );
}

function minutes(input: DurationInput, at: string): number {
  const total = input.value * input.unit;
  if (!Number.isInteger(input.value) || input.value < 1 || total > RULE_LIMITS.maxWindowMinutes) {
    throw ruleError('WINDOW_OUT_OF_RANGE', at, 'a duration must be at least 1 and at most 5 years');
  }
  return total;
}

function key(value: string, at: string): string {
  if (!RULE_LIMITS.keyPattern.test(value)) {
    throw ruleError('INVALID_VALUE', at, 'a key is 1 to 64 letters, digits, _ . : or -');
  }
  return value;
}

function requiredName(value: string, at: string): string {
  if (!RULE_LIMITS.eventTypePattern.test(value)) {
    throw ruleError('INVALID_VALUE', at, 'an event type is lower case letters, digits and _');
  }
  return value;
}

function optionalName(value: string | null | undefined, at: string): string | undefined {
  return value == null ? undefined : requiredName(value, at);
}

function text(value: string, at: string): string {
  if (value.length === 0 || value.length > 200) {
    throw ruleError('INVALID_VALUE', at, 'must be 1 to 200 characters');
  }
  return value;
}

function uuid(value: string, at: string): string {
  if (!UUID_PATTERN.test(value)) {
    throw ruleError('INVALID_VALUE', at, 'must be an id (a UUID)');
  }
  return value.toLowerCase();
}
