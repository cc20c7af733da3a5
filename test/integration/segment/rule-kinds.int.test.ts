import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  DefineSegmentDocument,
  type DefineSegmentInput,
  PreviewSegmentDocument,
  type SegmentRuleInput,
  SegmentStateDocument,
  SetConsentDocument,
  TargetCampaignDocument,
  TrackBatchDocument,
  type TrackEventInput,
  UpsertCampaignDocument,
  UpsertCustomerDocument,
  UpsertProductsDocument,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { relayed, removeFromGraph } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { until } from '../../support/until.js';

const MINUTE = 60_000;
const DAY = 1_440 * MINUTE;

type Name = 'ann' | 'bob' | 'cat';

/**
 * Every kind of condition a rule can hold, each against a population of three whose answers
 * are known: previewSegment runs the same leaf SQL and graph reads as the live evaluation.
 *
 * ann: plan gold, age 40, tags [vip, eu], nickname Annie, a phone, marketing consent; bought
 *      for 10 three hours ago and for 70 an hour ago; viewed two outdoor products (new
 *      arrivals); touched the campaign.
 * bob: plan silver, age 25, tags [us], marketing refused; bought for 200 ten days ago; a
 *      custom "Product Viewed" event; viewed a kitchen product.
 * cat: plan bronze, no age; one page view a month ago; targeted by the campaign.
 */
describe('segment rule kinds', () => {
  let gateway: TestApp;
  const ids = {} as Record<Name, string>;
  let campaignId: string;
  const catalogIds: string[] = [];

  before(async () => {
    gateway = await createTestApp();
    const tag = randomUUID().slice(0, 8);
    const products = await execute(gateway.url, UpsertProductsDocument, {
      input: [
        { sku: `TENT-${tag}`, name: 'Tent', categories: ['outdoor'] },
        { sku: `STOVE-${tag}`, name: 'Stove', categories: ['outdoor'] },
        { sku: `PAN-${tag}`, name: 'Pan', categories: ['kitchen'] },
      ],
    });
    assert.equal(products.errors, undefined, JSON.stringify(products.errors));
    const [tent, stove, pan] = products.data!.upsertProducts.results.map((r) => r.id!);
    const campaign = await execute(gateway.url, UpsertCampaignDocument, {
      input: { externalId: `spring-${tag}`, name: 'Spring', channel: 'EMAIL', status: 'ACTIVE' },
    });
    campaignId = campaign.data!.upsertCampaign.id;
    catalogIds.push(tent!, stove!, pan!, campaignId);

    const email = (name: Name) => `${name}-${tag}@example.com`;
    const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
    const event = (
      who: Name,
      type: TrackEventInput['type'],
      msAgo: number,
      more: Partial<TrackEventInput> = {},
    ): TrackEventInput => ({
      messageId: randomUUID(),
      identity: { type: 'EMAIL', value: email(who) },
      type,
      occurredAt: ago(msAgo),
      ...more,
    });
    const tracked = await execute(gateway.url, TrackBatchDocument, {
      events: [
        event('ann', 'PURCHASE', 180 * MINUTE, { properties: { total: 10 } }),
        event('ann', 'PURCHASE', 60 * MINUTE, { properties: { total: 70 } }),
        event('ann', 'VIEW', 30 * MINUTE, { properties: { productId: tent } }),
        event('ann', 'VIEW', 20 * MINUTE, { properties: { productId: stove } }),
        event('ann', 'CAMPAIGN_TOUCH', 10 * MINUTE, { properties: { campaignId } }),
        event('bob', 'PURCHASE', 10 * DAY, { properties: { total: 200 } }),
        event('bob', 'CUSTOM', 30 * MINUTE, { name: 'Product Viewed' }),
        event('bob', 'VIEW', 15 * MINUTE, { properties: { productId: pan } }),
        event('cat', 'PAGE', 30 * DAY),
      ],
    });
    assert.equal(tracked.data?.trackBatch.created, 9, JSON.stringify(tracked));
    const owners = ['ann', 'ann', 'ann', 'ann', 'ann', 'bob', 'bob', 'bob', 'cat'] as const;
    for (const r of tracked.data!.trackBatch.results) {
      ids[owners[r.index]!] = r.customerId!;
    }
    const profiles = {
      ann: {
        traits: { plan: 'gold', age: 40, tags: ['vip', 'eu'], nickname: 'Annie' },
        identities: [{ type: 'PHONE' as const, value: '+44 20 7946 0958' }],
      },
      bob: { traits: { plan: 'silver', age: 25, tags: ['us'] } },
      cat: { traits: { plan: 'bronze' } },
    };
    for (const [name, profile] of Object.entries(profiles)) {
      const id = ids[name as Name];
      const upserted = await execute(gateway.url, UpsertCustomerDocument, {
        input: { id, displayName: name, ...profile },
      });
      assert.equal(upserted.errors, undefined, JSON.stringify(upserted.errors));
    }
    for (const [name, granted] of [
      ['ann', true],
      ['bob', false],
    ] as const) {
      const consent = await execute(gateway.url, SetConsentDocument, {
        customerId: ids[name],
        purpose: 'MARKETING',
        granted,
      });
      assert.equal(consent.errors, undefined, JSON.stringify(consent.errors));
    }
    const targeted = await execute(gateway.url, TargetCampaignDocument, {
      campaignId,
      customerIds: [ids.cat],
    });
    assert.equal(targeted.data?.targetCampaign.created, 1, JSON.stringify(targeted));
    await relayed(gateway.backends);
  });

  after(async () => {
    await removeFromGraph(gateway.backends, Object.values(ids));
    await gateway.backends.graph.write('test.removeCatalog', (tx) =>
      tx.run('MATCH (n) WHERE (n:Product OR n:Campaign) AND n.id IN $ids DETACH DELETE n', {
        ids: catalogIds,
      }),
    );
    await gateway.stop();
  });

  const nameOf = (id: string) => (Object.keys(ids) as Name[]).find((n) => ids[n] === id) ?? id;

  /** Who the rule selects now, by name, sorted. */
  const selects = async (rule: SegmentRuleInput): Promise<string[]> => {
    const result = await execute(gateway.url, PreviewSegmentDocument, { rule, sampleSize: 100 });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    const { size, sampleIds } = result.data!.previewSegment;
    assert.equal(sampleIds.length, size);
    return sampleIds.map(nameOf).sort();
  };

  const table = async (cases: [SegmentRuleInput, Name[]][]) => {
    for (const [rule, expected] of cases) {
      assert.deepEqual(await selects(rule), expected, JSON.stringify(rule));
    }
  };

  it('traits by every operator, identity presence and consent', async () => {
    await table([
      [{ trait: { key: 'plan', op: 'NOT_EQUALS', value: 'gold' } }, ['bob', 'cat']],
      [{ trait: { key: 'age', op: 'GREATER_THAN', value: 30 } }, ['ann']],
      [{ trait: { key: 'age', op: 'LESS_THAN', value: 30 } }, ['bob']],
      [{ trait: { key: 'plan', op: 'IN', values: ['gold', 'silver'] } }, ['ann', 'bob']],
      [{ trait: { key: 'tags', op: 'CONTAINS', value: 'vip' } }, ['ann']],
      [{ trait: { key: 'nickname', op: 'CONTAINS', value: 'ANN' } }, ['ann']],
      [{ trait: { key: 'age', op: 'EXISTS' } }, ['ann', 'bob']],
      [{ trait: { key: 'age', op: 'NOT_EXISTS' } }, ['cat']],
      [{ identity: { type: 'PHONE' } }, ['ann']],
      [{ consent: { purpose: 'MARKETING' } }, ['ann']],
    ]);
  });

  it('event aggregates: first, last, by name, within hours', async () => {
    await table([
      [
        {
          event: {
            type: 'purchase',
            aggregate: 'FIRST',
            property: 'total',
            op: 'EQUALS',
            value: 10,
          },
        },
        ['ann'],
      ],
      [
        {
          event: {
            type: 'purchase',
            aggregate: 'LAST',
            property: 'total',
            op: 'EQUALS',
            value: 70,
          },
        },
        ['ann'],
      ],
      [
        {
          event: {
            type: 'purchase',
            aggregate: 'LAST',
            property: 'total',
            op: 'GREATER_THAN',
            value: 100,
          },
        },
        ['bob'],
      ],
      [{ event: { name: 'Product Viewed', op: 'GREATER_OR_EQUAL', value: 1 } }, ['bob']],
      [{ event: { type: 'purchase', window: { last: 2, unit: 'HOURS' } } }, ['ann']],
      [
        {
          event: {
            type: 'purchase',
            op: 'GREATER_OR_EQUAL',
            value: 2,
            window: { last: 2, unit: 'HOURS' },
          },
        },
        [],
      ],
    ]);
  });

  it('and, or, not', async () => {
    await table([
      [
        {
          or: [
            { identity: { type: 'PHONE' } },
            { trait: { key: 'plan', op: 'EQUALS', value: 'silver' } },
          ],
        },
        ['ann', 'bob'],
      ],
      [{ not: { trait: { key: 'plan', op: 'EQUALS', value: 'gold' } } }, ['bob', 'cat']],
      [
        {
          and: [
            { trait: { key: 'plan', op: 'IN', values: ['gold', 'silver'] } },
            { not: { consent: { purpose: 'MARKETING' } } },
          ],
        },
        ['bob'],
      ],
    ]);
  });

  it('products by category, and a campaign targeted or responded to', async () => {
    await table([
      [{ productInteraction: { types: ['view'], category: 'outdoor', minCount: 2 } }, ['ann']],
      [{ productInteraction: { types: ['view'], category: 'kitchen' } }, ['bob']],
      [{ campaign: { campaignId, relation: 'TARGETED' } }, ['cat']],
      [{ campaign: { campaignId } }, ['ann']],
    ]);
  });

  /** Defines a segment and waits for its full evaluation; returns its members by name. */
  const defined = async (input: Omit<DefineSegmentInput, 'key' | 'name'>) => {
    const key = `k-${randomUUID().slice(0, 8)}`;
    const result = await execute(gateway.url, DefineSegmentDocument, {
      input: { key, name: key, ...input },
    });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    const id = result.data!.defineSegment.id;
    const state = await until(
      () => execute(gateway.url, SegmentStateDocument, { id }),
      (r) => r.data?.segment?.status === 'READY',
      20_000,
    );
    assert.equal(state.data?.segment?.status, 'READY', JSON.stringify(state));
    const members = state.data!.segment!.members.edges.map((e) => nameOf(e.node.customerId));
    return { id, members: members.sort() };
  };

  it('membership age', async () => {
    const gold = await defined({ rule: { trait: { key: 'plan', op: 'EQUALS', value: 'gold' } } });
    assert.deepEqual(gold.members, ['ann']);
    await table([
      [{ inSegment: { segmentId: gold.id, enteredLessThan: { value: 1, unit: 'DAYS' } } }, ['ann']],
      [{ inSegment: { segmentId: gold.id, enteredMoreThan: { value: 1, unit: 'DAYS' } } }, []],
    ]);
  });

  it('the templates select their audiences', async () => {
    const audience = async (template: DefineSegmentInput['template']) =>
      (await defined({ template })).members;
    assert.deepEqual(await audience({ name: 'LAPSED_BUYER', days: 7 }), ['bob']);
    assert.deepEqual(await audience({ name: 'WEEKLY_DIGEST' }), ['ann'], 'bob refused marketing');
    assert.deepEqual(await audience({ name: 'INTERESTED_IN_CATEGORY', category: 'outdoor' }), [
      'ann',
    ]);
    assert.deepEqual(await audience({ name: 'NEW_ARRIVAL_INTEREST' }), ['ann', 'bob']);
    assert.deepEqual(await audience({ name: 'BACK_IN_STOCK_INTEREST' }), [], 'nothing restocked');
  });
});
