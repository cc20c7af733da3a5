import type { DefineSegmentInput, SegmentRuleInput } from '../../test/__generated__/graphql.js';
import { PROBE_NAME } from './segment-bench-data.js';

const purchases = (value: number, days: number): SegmentRuleInput => ({
  event: {
    type: 'purchase',
    aggregate: 'COUNT',
    op: 'GREATER_OR_EQUAL',
    value,
    window: { last: days, unit: 'DAYS' },
  },
});

const count = (type: string, value: number, last: number, unit: 'MINUTES' | 'DAYS') => ({
  event: {
    type,
    aggregate: 'COUNT' as const,
    op: 'GREATER_OR_EQUAL' as const,
    value,
    window: { last, unit },
  },
});

/** The segment the latency probes enter: nothing but a probe event puts anyone in it. */
export const PROBE_SEGMENT: DefineSegmentInput = {
  key: 'bench-probe',
  name: 'Latency probes',
  rule: {
    event: {
      type: 'custom',
      name: PROBE_NAME,
      aggregate: 'COUNT',
      op: 'GREATER_OR_EQUAL',
      value: 1,
    },
  },
};

/** The key of the segment the inSegment rule refers to (defined first). */
export const BUYERS_KEY = 'bench-buyers-7d';

/**
 * Nineteen live segments of the kinds marketers define: event counts, sums and averages over
 * windows, traits, consent, a relationship predicate, templates (cart abandoned, weekly
 * digest), a negation and one that refers to another segment; the probe segment is the 20th.
 * No similarity rule: the bench's events name no products, so no preference vectors exist.
 */
export function benchSegments(buyersId: string | null): DefineSegmentInput[] {
  const defined: DefineSegmentInput[] = [
    { key: BUYERS_KEY, name: 'Bought this week', rule: purchases(1, 7) },
    { key: 'bench-frequent', name: 'Three purchases in 30 days', rule: purchases(3, 30) },
    {
      key: 'bench-big-spender',
      name: 'Spent 200 in 30 days',
      rule: {
        event: {
          type: 'purchase',
          aggregate: 'SUM',
          property: 'total',
          op: 'GREATER_OR_EQUAL',
          value: 200,
          window: { last: 30, unit: 'DAYS' },
        },
      },
    },
    {
      key: 'bench-average-basket',
      name: 'Average basket over 80',
      rule: {
        event: {
          type: 'purchase',
          aggregate: 'AVERAGE',
          property: 'total',
          op: 'GREATER_OR_EQUAL',
          value: 80,
          window: { last: 90, unit: 'DAYS' },
        },
      },
    },
    { key: 'bench-browsers', name: 'Ten views today', rule: count('view', 10, 1, 'DAYS') },
    {
      key: 'bench-hot-cart',
      name: 'Two cart adds this hour',
      rule: count('cart_add', 2, 60, 'MINUTES'),
    },
    {
      key: 'bench-searchers',
      name: 'Three searches this week',
      rule: count('search', 3, 7, 'DAYS'),
    },
    {
      key: 'bench-wishers',
      name: 'Wishlisted in 14 days',
      rule: count('wishlist_add', 1, 14, 'DAYS'),
    },
    {
      key: 'bench-gold',
      name: 'Gold plan',
      rule: { trait: { key: 'plan', op: 'EQUALS', value: 'gold' } },
    },
    {
      key: 'bench-high-ltv',
      name: 'Lifetime value over 2500',
      rule: { trait: { key: 'ltv', op: 'GREATER_THAN', value: 2_500 } },
    },
    {
      key: 'bench-dutch-browsers',
      name: 'Dutch and browsing this week',
      rule: {
        and: [
          { trait: { key: 'country', op: 'EQUALS', value: 'NL' } },
          count('view', 1, 7, 'DAYS'),
        ],
      },
    },
    {
      key: 'bench-marketable',
      name: 'Marketing consent',
      rule: { consent: { purpose: 'MARKETING' } },
    },
    {
      key: 'bench-marketable-buyers',
      name: 'Marketing consent and bought this week',
      rule: { and: [{ consent: { purpose: 'MARKETING' } }, purchases(1, 7)] },
    },
    {
      key: 'bench-spouse-bought',
      name: 'Spouse bought this month',
      rule: { relationship: { type: 'SPOUSE_OF', direction: 'EITHER', to: purchases(1, 30) } },
    },
    {
      key: 'bench-gold-or-frequent',
      name: 'Gold or five purchases in 30 days',
      rule: { or: [{ trait: { key: 'plan', op: 'EQUALS', value: 'gold' } }, purchases(5, 30)] },
    },
    {
      key: 'bench-silent',
      name: 'No view in 30 days',
      rule: { not: count('view', 1, 30, 'DAYS') },
    },
    { key: 'bench-cart-abandoned', name: 'Cart abandoned', template: { name: 'CART_ABANDONED' } },
    { key: 'bench-weekly-digest', name: 'Weekly digest', template: { name: 'WEEKLY_DIGEST' } },
  ];
  if (buyersId !== null) {
    defined.push({
      key: 'bench-loyal-buyers',
      name: 'Buyers this week with marketing consent, by reference',
      rule: {
        and: [{ inSegment: { segmentId: buyersId } }, { consent: { purpose: 'MARKETING' } }],
      },
    });
  }
  return defined;
}
