import type { Postgres } from '../datasources/postgres.js';
import { planOf } from '../modules/segment/evaluation/segment-evaluator.js';
import { referencedSegments, type Rule } from '../modules/segment/rule/rule.js';
import { SegmentTemplateName, templateRule } from '../modules/segment/rule/templates.js';
import { SegmentStore } from '../modules/segment/segment.store.js';

const DAY = 1440;

/**
 * A few live segments over the demo population, so Sandbox and /dashboard have something to
 * show. Stored as BUILDING: the segment module evaluates unfinished segments when it starts.
 */
export async function loadDemoSegments(db: Postgres): Promise<void> {
  const store = new SegmentStore(db);
  const define = async (key: string, name: string, description: string, rule: Rule) => {
    const row = await store.insert({
      key,
      name,
      description,
      rule,
      refersTo: referencedSegments(rule),
    });
    if (row === null) {
      throw new Error(`demo segment ${key} exists already`);
    }
    return planOf(row);
  };
  const repeatBuyers = await define(
    'repeat-buyers',
    'Repeat buyers',
    'Two purchases or more in the last 90 days.',
    {
      event: {
        type: 'purchase',
        where: [],
        aggregate: 'count',
        op: 'greaterOrEqual',
        value: 2,
        window: { lastMinutes: 90 * DAY },
      },
    },
  );
  await define(
    'family-of-repeat-buyers',
    'Family of repeat buyers',
    'A spouse or a parent of a repeat buyer (gift ideas).',
    {
      any: [
        {
          relationship: {
            type: 'SPOUSE_OF',
            direction: 'either',
            to: { inSegment: { segmentId: repeatBuyers.id } },
          },
        },
        {
          relationship: {
            type: 'PARENT_OF',
            direction: 'outgoing',
            to: { inSegment: { segmentId: repeatBuyers.id } },
          },
        },
      ],
    },
  );
  await define(
    'abandoned-carts',
    'Cart abandoned',
    'Added to the cart over 2 hours ago, within 90 days, and bought nothing since.',
    templateRule(SegmentTemplateName.CART_ABANDONED, { days: 90 }),
  );
  await define(
    'premium-not-buying',
    'Premium plan, no purchase in 30 days',
    'Premium customers who have not bought in a month.',
    {
      all: [
        { trait: { key: 'plan', op: 'equals', value: 'premium' } },
        {
          event: {
            type: 'purchase',
            where: [],
            aggregate: 'count',
            op: 'equals',
            value: 0,
            window: { lastMinutes: 30 * DAY },
          },
        },
      ],
    },
  );
}
