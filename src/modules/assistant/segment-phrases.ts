/*
 * Without a model, askSegment understands a few common phrasings by pattern, labelled as
 * templates: enough for "bought at least twice in the last 30 days and consented to
 * marketing", not free language. Each clause (split on "and") must match one pattern, or no
 * rule is proposed: a rule that silently ignored part of the description would mislead.
 * The output is SegmentRuleInput as GraphQL JSON, checked by the engine like a model's.
 */

/** One understood clause: its rule node and how it was read. */
interface Clause {
  rule: Record<string, unknown>;
  reading: string;
}

const NUMBER_WORDS: Record<string, number> = { once: 1, twice: 2, thrice: 3 };

const PURPOSES: Record<string, string> = {
  marketing: 'MARKETING',
  analytics: 'ANALYTICS',
  personalization: 'PERSONALIZATION',
  personalisation: 'PERSONALIZATION',
  ai: 'AI',
};

const EVENT_VERBS: Record<string, string> = {
  bought: 'purchase',
  purchased: 'purchase',
  ordered: 'purchase',
  viewed: 'view',
  visited: 'page',
  searched: 'search',
  clicked: 'click',
};

type Parser = (clause: string) => Clause | null;

const PARSERS: readonly Parser[] = [churnRisk, activity, consent, planTrait, identity];

/** The rule a description asks for, and how it was read; `null` when any part is not understood. */
export function segmentFromPhrases(description: string): { rule: unknown; reading: string } | null {
  const clauses = description
    .toLowerCase()
    .replace(/^(?:all |the )?(?:customers|people|users|buyers)(?: who| that| with)?\s+/, '')
    .split(/\s+and\s+(?:who\s+|that\s+)?/)
    .map((c) => c.trim().replace(/[.?!]+$/, ''))
    .filter((c) => c !== '');
  const understood: Clause[] = [];
  for (const clause of clauses) {
    const found = PARSERS.map((parse) => parse(clause)).find((c) => c !== null);
    if (!found) {
      return null;
    }
    understood.push(found);
  }
  if (understood.length === 0) {
    return null;
  }
  return {
    rule: understood.length === 1 ? understood[0]!.rule : { and: understood.map((c) => c.rule) },
    reading: understood.map((c) => c.reading).join(', and '),
  };
}

function churnRisk(clause: string): Clause | null {
  const m =
    /churn risk (?:is )?(?:above|over|greater than|more than|>)\s*(\d+(?:\.\d+)?)\s*(%)?/.exec(
      clause,
    );
  if (!m) {
    return null;
  }
  const value = m[2] ? Number(m[1]) / 100 : Number(m[1]);
  return {
    rule: { prediction: { measure: 'CHURN_RISK', op: 'GREATER_THAN', value } },
    reading: `churn risk above ${value}`,
  };
}

function activity(clause: string): Clause | null {
  const m =
    /^(?:have |has )?(bought|purchased|ordered|viewed|visited|searched|clicked)(?: something| anything)?(?: (?:at least (\d+) times|(\d+) or more times|(once|twice|thrice)))?(?: (?:in|within) the (?:last|past) (\d+) days| this (week|month))?$/.exec(
      clause,
    );
  if (!m) {
    return null;
  }
  const type = EVENT_VERBS[m[1]!]!;
  const count = Number(m[2] ?? m[3] ?? NUMBER_WORDS[m[4] ?? 'once']);
  const days = m[5] ? Number(m[5]) : m[6] === 'week' ? 7 : m[6] === 'month' ? 30 : null;
  return {
    rule: {
      event: {
        type,
        aggregate: 'COUNT',
        op: 'GREATER_OR_EQUAL',
        value: count,
        ...(days === null ? {} : { window: { last: days, unit: 'DAYS' } }),
      },
    },
    reading: `at least ${count} ${type} event${count === 1 ? '' : 's'}${days === null ? '' : ` in the last ${days} days`}`,
  };
}

function consent(clause: string): Clause | null {
  const m =
    /^(?:have |has )?(consented to|opted in to|opted into|agreed to|not consented to|refused|withdrew|opted out of)(?: consent (?:for|to))? (marketing|analytics|personali[sz]ation|ai)(?: consent)?$/.exec(
      clause,
    );
  if (!m) {
    return null;
  }
  const granted = !/not|refused|withdrew|out/.test(m[1]!);
  const purpose = PURPOSES[m[2]!]!;
  return {
    rule: { consent: { purpose, granted } },
    reading: `${purpose} consent ${granted ? 'granted' : 'refused'}`,
  };
}

function planTrait(clause: string): Clause | null {
  const m =
    /^(?:are |is )?(?:on (?:the |a )?([a-z0-9_-]+) (plan|tier)|(?:whose |with )?(?:a )?(plan|tier) (?:is |of )?([a-z0-9_-]+))$/.exec(
      clause,
    );
  if (!m) {
    return null;
  }
  const key = m[2] ?? m[3]!;
  const value = m[1] ?? m[4]!;
  return { rule: { trait: { key, op: 'EQUALS', value } }, reading: `${key} is ${value}` };
}

function identity(clause: string): Clause | null {
  const m = /^(?:have |has |with )?(?:an? )?(e-?mail|phone)(?: address| number)?$/.exec(clause);
  if (!m) {
    return null;
  }
  const type = m[1]!.startsWith('e') ? 'EMAIL' : 'PHONE';
  return { rule: { identity: { type } }, reading: `known by ${type.toLowerCase()}` };
}
