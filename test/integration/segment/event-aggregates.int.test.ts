import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { TrackBatchDocument } from '../../__generated__/graphql.js';
import { LeafEvaluator } from '../../../src/modules/segment/evaluation/leaf-evaluator.js';
import type { EventCondition, Rule } from '../../../src/modules/segment/rule/rule.js';
import { SegmentGraph } from '../../../src/modules/segment/segment.graph.js';
import { execute } from '../../support/graphql-client.js';
import { relayed } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

const DAY = 86_400_000;

/**
 * Event aggregates are computed in one shared scan of each customer's events (a LATERAL join
 * of FILTERed aggregates), bounded by the widest window: each must still see exactly its own
 * events, whatever other leaves share the scan.
 */
describe('LeafEvaluator event aggregates', () => {
  let gateway: TestApp;
  const now = new Date();
  // ann: purchases of 10 (40 days ago), 50 (5 days ago) and 70 (1 day ago, channel shop),
  //      one view today. bob: one purchase of 200, 20 days ago. cat: no events at all.
  const ids = { ann: '', bob: '', cat: '' };
  const email = (name: string) => `${name}-${randomUUID()}@example.com`;

  before(async () => {
    gateway = await createTestApp();
    const emails = { ann: email('ann'), bob: email('bob'), cat: email('cat') };
    const event = (who: keyof typeof emails, type: string, daysAgo: number, total?: number) => ({
      messageId: randomUUID(),
      identity: { type: 'EMAIL' as const, value: emails[who] },
      type: type as never,
      properties: total === undefined ? {} : { total, ...(daysAgo === 1 ? { shop: 'web' } : {}) },
      occurredAt: new Date(now.getTime() - daysAgo * DAY).toISOString(),
    });
    const result = await execute(gateway.url, TrackBatchDocument, {
      events: [
        event('ann', 'PURCHASE', 40, 10),
        event('ann', 'PURCHASE', 5, 50),
        event('ann', 'PURCHASE', 1, 70),
        event('ann', 'VIEW', 0),
        event('bob', 'PURCHASE', 20, 200),
        event('cat', 'VIEW', 0),
      ],
    });
    assert.equal(result.data?.trackBatch.created, 6, JSON.stringify(result));
    for (const r of result.data!.trackBatch.results) {
      const who = (['ann', 'ann', 'ann', 'ann', 'bob', 'cat'] as const)[r.index]!;
      ids[who] = r.customerId!;
    }
    // cat keeps no events: what a customer without history answers is part of the contract.
    await gateway.backends.postgres.query('DELETE FROM events WHERE customer_id = $1', [ids.cat]);
    await relayed(gateway.backends);
  });

  after(async () => {
    await gateway.stop();
  });

  const purchase = (
    condition: Omit<EventCondition, 'type' | 'where'> & Partial<EventCondition>,
  ): Rule => ({ event: { type: 'purchase', where: [], ...condition } });
  const lastDays = (days: number) => ({ lastMinutes: days * 24 * 60 });

  const members = async (rules: Rule[]) => {
    const evaluator = new LeafEvaluator(
      gateway.backends.postgres,
      new SegmentGraph(gateway.backends.graph),
      now,
    );
    const values = await evaluator.evaluate(rules, [ids.ann, ids.bob, ids.cat]);
    const name = (id: string) => Object.entries(ids).find(([, v]) => v === id)![0];
    return rules.map((_, r) =>
      [...values]
        .filter(([, v]) => v.present && v.leaves[r]![0] === true)
        .map(([id]) => name(id))
        .sort(),
    );
  };

  it('answers each aggregate over its own window and filters, all in one statement', async () => {
    const rules: Rule[] = [
      purchase({ aggregate: 'count', op: 'greaterOrEqual', value: 2, window: lastDays(30) }),
      purchase({ aggregate: 'count', op: 'greaterOrEqual', value: 3 }),
      purchase({
        aggregate: 'sum',
        property: 'total',
        op: 'greaterThan',
        value: 100,
        window: lastDays(7),
      }),
      purchase({ aggregate: 'sum', property: 'total', op: 'greaterOrEqual', value: 130 }),
      purchase({ aggregate: 'sum', property: 'total', op: 'lessThan', value: 1 }),
      purchase({ aggregate: 'average', property: 'total', op: 'greaterThan', value: 40 }),
      purchase({
        aggregate: 'average',
        property: 'total',
        op: 'greaterThan',
        value: 40,
        window: lastDays(10),
      }),
      purchase({ aggregate: 'daysSinceLast', op: 'greaterThan', value: 10 }),
      purchase({ aggregate: 'daysSinceFirst', op: 'greaterThan', value: 30 }),
      purchase({
        aggregate: 'count',
        op: 'equals',
        value: 1,
        where: [{ key: 'shop', op: 'equals', value: 'web' }],
      }),
      {
        event: {
          where: [],
          aggregate: 'count',
          op: 'greaterOrEqual',
          value: 1,
          window: { from: new Date(now.getTime() - 2 * DAY).toISOString(), to: now.toISOString() },
        },
      },
    ];

    const statements: string[] = [];
    const record = (s: { name: string }) => {
      if (s.name.startsWith('segment.')) {
        statements.push(s.name);
      }
    };
    gateway.backends.postgres.events.on('statement', record);
    let answers: string[][];
    try {
      answers = await members(rules);
    } finally {
      gateway.backends.postgres.events.off('statement', record);
    }

    assert.deepEqual(answers, [
      ['ann'], // two purchases in 30 days
      ['ann'], // three in all
      ['ann'], // 50 + 70 in 7 days
      ['ann', 'bob'], // 130 and 200 in all
      ['cat'], // no purchases: a sum of 0
      ['ann', 'bob'], // averages 43.3 and 200; none for cat
      ['ann'], // 60 in 10 days; bob has none there
      ['bob'], // bob's last was 20 days ago
      ['ann'], // ann's first was 40 days ago
      ['ann'], // the one purchase marked shop: web
      ['ann'], // ann's purchase yesterday and view today; cat's events are gone
    ]);
    assert.deepEqual(statements, ['segment.leaves']);
  });

  it('leaves a rule null for customers outside its scope, evaluating the others', async () => {
    const evaluator = new LeafEvaluator(
      gateway.backends.postgres,
      new SegmentGraph(gateway.backends.graph),
      now,
    );
    const rule = purchase({ aggregate: 'count', op: 'greaterOrEqual', value: 1 });

    const values = await evaluator.evaluate([rule], [ids.ann, ids.bob], [new Set([ids.bob])]);

    assert.deepEqual(values.get(ids.ann)?.leaves, [[null]]);
    assert.deepEqual(values.get(ids.bob)?.leaves, [[true]]);
  });
});
