import type { Json, NumberOperator, Rule, ValueOperator, Window } from './rule.js';

const NUMBER_WORDS: Record<NumberOperator, string> = {
  equals: '=',
  notEquals: '≠',
  greaterThan: '>',
  greaterOrEqual: '≥',
  lessThan: '<',
  lessOrEqual: '≤',
};

const VALUE_WORDS: Record<ValueOperator, string> = {
  ...NUMBER_WORDS,
  in: 'is one of',
  contains: 'contains',
  exists: 'is set',
  notExists: 'is not set',
};

/** How a segment is named in words: its key when known, else its id. */
export type SegmentNamer = (segmentId: string) => string;

/** A leaf (or a whole rule) in one short sentence, for reasons and the dashboard. */
export function describe(rule: Rule, nameOf: SegmentNamer = (id) => id): string {
  const describe = (node: Rule) => describeWith(node, nameOf);
  return describe(rule);
}

function describeWith(rule: Rule, nameOf: SegmentNamer): string {
  const describe = (node: Rule) => describeWith(node, nameOf);
  if ('all' in rule) {
    return rule.all.map(describe).join(' and ');
  }
  if ('any' in rule) {
    return `(${rule.any.map(describe).join(' or ')})`;
  }
  if ('not' in rule) {
    return `not (${describe(rule.not)})`;
  }
  if ('trait' in rule) {
    return valueSentence(`trait ${rule.trait.key}`, rule.trait);
  }
  if ('identity' in rule) {
    return `has a ${rule.identity.type} identity`;
  }
  if ('consent' in rule) {
    return `${rule.consent.granted ? 'granted' : 'refused'} consent for ${rule.consent.purpose}`;
  }
  if ('event' in rule) {
    const e = rule.event;
    const what = [e.type, e.name].filter(Boolean).join(' ') || 'any';
    const measure =
      e.aggregate === 'count'
        ? `count of ${what} events`
        : e.aggregate.startsWith('daysSince')
          ? `days since the ${e.aggregate === 'daysSinceFirst' ? 'first' : 'last'} ${what} event`
          : `${e.aggregate} of ${e.property ?? '?'} over ${what} events`;
    const filters = e.where.map((f) => valueSentence(f.key, f)).join(', ');
    return `${measure}${filters ? ` where ${filters}` : ''}${windowWords(e.window)} ${NUMBER_WORDS[e.op]} ${e.value}`;
  }
  if ('followUpMissing' in rule) {
    const f = rule.followUpMissing;
    return `a ${f.type} over ${minutesWords(f.olderThanMinutes)} ago (within ${minutesWords(f.withinMinutes)}) with no ${f.followedBy} since`;
  }
  if ('productInteraction' in rule) {
    const p = rule.productInteraction;
    const which = [
      p.newArrivalDays !== undefined ? `new (last ${p.newArrivalDays} days)` : null,
      p.restockedDays !== undefined ? `back in stock (last ${p.restockedDays} days)` : null,
      'products',
      p.category !== undefined ? `in ${p.category}` : null,
    ]
      .filter(Boolean)
      .join(' ');
    return `at least ${p.minCount} ${p.types.join('/')} of ${which}${windowWords(p.window)}`;
  }
  if ('relationship' in rule) {
    const r = rule.relationship;
    return `has a ${r.type} relative${r.to ? ` who matches: ${describe(r.to)}` : ''}`;
  }
  if ('campaign' in rule) {
    return `${rule.campaign.relation} campaign ${rule.campaign.campaignId}${windowWords(rule.campaign.window)}`;
  }
  if ('similarTo' in rule) {
    const s = rule.similarTo;
    const target = s.customerId ? `customer ${s.customerId}` : `product ${s.productId}`;
    return `preferences within distance ${s.maxDistance} of ${target}`;
  }
  if ('prediction' in rule) {
    return `predicted ${rule.prediction.measure} ${NUMBER_WORDS[rule.prediction.op]} ${rule.prediction.value}`;
  }
  const m = rule.inSegment;
  const age = [
    m.enteredMoreThanMinutes !== undefined
      ? `for over ${minutesWords(m.enteredMoreThanMinutes)}`
      : null,
    m.enteredLessThanMinutes !== undefined
      ? `for under ${minutesWords(m.enteredLessThanMinutes)}`
      : null,
  ]
    .filter(Boolean)
    .join(' and ');
  return `in segment ${nameOf(m.segmentId)}${age ? ` ${age}` : ''}`;
}

function valueSentence(
  subject: string,
  test: { op: ValueOperator; value?: Json; values?: Json[] },
): string {
  const value =
    test.op === 'in'
      ? JSON.stringify(test.values)
      : test.op === 'exists' || test.op === 'notExists'
        ? ''
        : ` ${JSON.stringify(test.value)}`;
  return `${subject} ${VALUE_WORDS[test.op]}${test.op === 'in' ? ` ${value}` : value}`;
}

function windowWords(window: Window | undefined): string {
  if (window === undefined) {
    return '';
  }
  if ('lastMinutes' in window) {
    return ` in the last ${minutesWords(window.lastMinutes)}`;
  }
  return ` between ${window.from} and ${window.to}`;
}

export function minutesWords(minutes: number): string {
  if (minutes % 1440 === 0) {
    return plural(minutes / 1440, 'day');
  }
  if (minutes % 60 === 0) {
    return plural(minutes / 60, 'hour');
  }
  return plural(minutes, 'minute');
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}
