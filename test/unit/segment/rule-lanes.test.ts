import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { dependenciesOf } from '../../../src/modules/segment/rule/dependencies.js';
import type { Rule } from '../../../src/modules/segment/rule/rule.js';

/**
 * Which outbox lane evaluates a segment: only rules reading nothing another follower writes
 * after the write commits may run in the segments lane, without waiting for them.
 */
describe('the lane of a rule', () => {
  const purchases: Rule = {
    event: { type: 'purchase', where: [], aggregate: 'count', op: 'greaterOrEqual', value: 1 },
  };
  const readsOnlyWrites: [string, Rule][] = [
    ['a trait', { trait: { key: 'tier', op: 'equals', value: 'gold' } }],
    ['an identity', { identity: { type: 'EMAIL' } }],
    ['a consent', { consent: { purpose: 'marketing', granted: true } }],
    ['an event aggregate', purchases],
    [
      'a missing follow-up',
      {
        followUpMissing: {
          type: 'cart_add',
          followedBy: 'purchase',
          olderThanMinutes: 120,
          withinMinutes: 120,
        },
      },
    ],
    ['another segment', { inSegment: { segmentId: 'b1' } }],
    ['all of those', { all: [purchases, { not: { consent: { purpose: 'ads', granted: true } } }] }],
  ];
  const readsProjections: [string, Rule][] = [
    ['a relationship', { relationship: { type: 'SPOUSE_OF', direction: 'either' } }],
    ['a campaign targeting', { campaign: { campaignId: 'c1', relation: 'targeted' } }],
    [
      "a campaign's responses (resolved later for a campaign not known yet)",
      { campaign: { campaignId: 'c1', relation: 'responded' } },
    ],
    [
      "a product interaction (the event's product may be resolved later)",
      { productInteraction: { types: ['view'], category: 'toys', minCount: 1 } },
    ],
    ['a similarity', { similarTo: { customerId: 'x', maxDistance: 0.3 } }],
    ['a prediction', { prediction: { measure: 'churnRisk', op: 'greaterThan', value: 0.5 } }],
    [
      'any rule holding one of them',
      { any: [purchases, { relationship: { type: 'SIBLING_OF', direction: 'either' } }] },
    ],
  ];

  for (const [what, rule] of readsOnlyWrites) {
    it(`runs a rule on ${what} in the segments lane`, () => {
      assert.equal(dependenciesOf(rule).projections, false);
    });
  }
  for (const [what, rule] of readsProjections) {
    it(`runs a rule on ${what} in main, after the followers that write it`, () => {
      assert.equal(dependenciesOf(rule).projections, true);
    });
  }
});
