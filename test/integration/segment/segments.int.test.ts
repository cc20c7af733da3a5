import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import pg from 'pg';

import {
  CustomerSegmentsDocument,
  DefineSegmentDocument,
  DeleteSegmentDocument,
  EraseCustomerDocument,
  LinkRelationshipDocument,
  MergeCustomersDocument,
  PreviewSegmentDocument,
  SegmentChangesSinceDocument,
  SegmentMembershipChangedDocument,
  SegmentSizeChangedDocument,
  SegmentStateDocument,
  SetConsentDocument,
  TargetCampaignDocument,
  type SegmentRuleInput,
  TrackBatchDocument,
  UnlinkRelationshipDocument,
  UpdateSegmentDocument,
  UpsertCampaignDocument,
  UpsertCustomerDocument,
} from '../../__generated__/graphql.js';
import { ChangeFeed } from '../../../src/changefeed/change-feed.js';
import { createSilentLogger } from '../../../src/logger.js';
import { SegmentEngine } from '../../../src/modules/segment/evaluation/segment.engine.js';
import { planOf } from '../../../src/modules/segment/evaluation/segment-evaluator.js';
import { SegmentGraph } from '../../../src/modules/segment/segment.graph.js';
import { SegmentStore } from '../../../src/modules/segment/segment.store.js';
import { lockWaiters } from '../../support/database.js';
import { actUntilEvent, execute, subscribe, wsClient } from '../../support/graphql-client.js';
import {
  relayed,
  type SeededCustomer,
  seedCustomer as seedWithInterests,
  seedVocabulary,
} from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { until } from '../../support/until.js';

// No moving window: the time tick (every second here) must not race the write path to it.
const purchasedThisYear: SegmentRuleInput = {
  event: {
    type: 'purchase',
    aggregate: 'COUNT',
    op: 'GREATER_OR_EQUAL',
    value: 1,
    window: {
      from: new Date(Date.now() - 200 * 86_400_000).toISOString(),
      to: new Date(Date.now() + 165 * 86_400_000).toISOString(),
    },
  },
};

describe('live segments', () => {
  let gateway: TestApp;

  before(async () => {
    gateway = await createTestApp({ env: { SEGMENT_TICK_SECONDS: '1' } });
  });

  after(async () => {
    await gateway.stop();
  });

  /** A customer events find by their e-mail identity. */
  const seedCustomer = async (url: string, displayName: string): Promise<SeededCustomer> => {
    const id = randomUUID();
    const result = await execute(url, UpsertCustomerDocument, {
      input: { id, displayName, identities: [{ type: 'EMAIL', value: `${id}@example.com` }] },
    });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return { id, displayName };
  };

  const track = async (customer: SeededCustomer, type: string, occurredAt = new Date()) => {
    const result = await execute(gateway.url, TrackBatchDocument, {
      events: [
        {
          messageId: randomUUID(),
          identity: { type: 'EMAIL', value: `${customer.id}@example.com` },
          type: type.toUpperCase() as never,
          properties: { total: 30 },
          occurredAt: occurredAt.toISOString(),
        },
      ],
    });
    assert.equal(result.data?.trackBatch.created, 1, JSON.stringify(result));
  };

  const define = async (rule: SegmentRuleInput, key = `s-${randomUUID().slice(0, 8)}`) => {
    const result = await execute(gateway.url, DefineSegmentDocument, {
      input: { key, name: `Segment ${key}`, rule },
    });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    const segment = result.data!.defineSegment;
    await until(
      () => state(segment.id),
      (s) => s?.status === 'READY',
      20_000,
    );
    return segment;
  };

  const state = async (id: string) => {
    const result = await execute(gateway.url, SegmentStateDocument, { id });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return result.data!.segment;
  };

  /** A segment engine of the test's own on the gateway's stores (a second instance's). */
  const engineBesideTheGateway = () =>
    new SegmentEngine(
      gateway.backends.postgres,
      new SegmentGraph(gateway.backends.graph),
      new ChangeFeed(gateway.backends.postgres, gateway.backends.pubSub, createSilentLogger(), {
        pollMs: 60_000,
        maxQueue: 10,
      }),
      100,
      createSilentLogger(),
    );

  const memberIds = async (id: string) =>
    new Set((await state(id))!.members.edges.map((e) => e.node.customerId));

  it('evaluates a new segment over existing customers, then keeps it current as events arrive', async () => {
    const before1 = await seedCustomer(gateway.url, 'Buyer Before');
    const bystander = await seedCustomer(gateway.url, 'Bystander');
    await track(before1, 'purchase');
    await track(bystander, 'view');
    await relayed(gateway.backends);

    const segment = await define(purchasedThisYear);
    assert.deepEqual(await memberIds(segment.id), new Set([before1.id]));
    const defined = await state(segment.id);
    assert.equal(defined!.size, 1);
    const entered = defined!.changes.edges[0]!.node;
    assert.equal(entered.change, 'ENTERED');
    assert.equal(entered.sizeAfter, 1);
    assert.match(entered.reason.summary, /count of purchase events between \S+ and \S+ ≥ 1/);

    const later = await seedCustomer(gateway.url, 'Buyer Later');
    await track(later, 'purchase');
    await relayed(gateway.backends);
    assert.deepEqual(await memberIds(segment.id), new Set([before1.id, later.id]));
    const incremental = (await state(segment.id))!.changes.edges[0]!.node;
    assert.equal(incremental.customerId, later.id);
    assert.equal(incremental.reason.trigger, 'events: purchase');
    assert.deepEqual(
      incremental.reason.conditions.map((c) => [c.path, c.was, c.now]),
      [['event', null, true]],
    );

    const theirs = await execute(gateway.url, CustomerSegmentsDocument, { id: later.id });
    assert.deepEqual(
      theirs.data?.customer?.segments.map((s) => s.segment.key),
      [segment.key],
    );
  });

  it('pushes entries to subscribers and replays what a disconnected one missed, each once', async () => {
    const segment = await define({
      event: { type: 'wishlist_add', aggregate: 'COUNT', op: 'GREATER_OR_EQUAL', value: 1 },
    });
    const first = await seedCustomer(gateway.url, 'Wisher One');
    const client = wsClient(gateway.url);
    let lastCursor: string;
    try {
      const live = subscribe(client, SegmentMembershipChangedDocument, {
        segmentIds: [segment.id],
        afterCursor: '0',
      });
      await track(first, 'wishlist_add');
      const heard = await live.next(20_000);
      assert.equal(heard.errors, undefined, JSON.stringify(heard.errors));
      assert.equal(heard.data?.segmentMembershipChanged.customerId, first.id);
      assert.equal(heard.data?.segmentMembershipChanged.customer?.displayName, 'Wisher One');
      lastCursor = heard.data!.segmentMembershipChanged.cursor;
      live.unsubscribe();
    } finally {
      await client.dispose();
    }
    // While nobody listens, a burst of customers enter.
    const missed: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const customer = await seedCustomer(gateway.url, `Missed ${i}`);
      await track(customer, 'wishlist_add');
      missed.push(customer.id);
    }
    await relayed(gateway.backends);
    const again = wsClient(gateway.url);
    try {
      const resumed = subscribe(again, SegmentMembershipChangedDocument, {
        segmentIds: [segment.id],
        afterCursor: lastCursor,
      });
      const replayed: string[] = [];
      for (let i = 0; i < missed.length; i += 1) {
        const event = await resumed.next(20_000);
        assert.equal(event.errors, undefined, JSON.stringify(event.errors));
        replayed.push(event.data!.segmentMembershipChanged.customerId);
      }
      assert.deepEqual(replayed.sort(), [...missed].sort());
      const liveAfter = await seedCustomer(gateway.url, 'Live After Replay');
      await track(liveAfter, 'wishlist_add');
      const next = await resumed.next(20_000);
      assert.equal(
        next.data?.segmentMembershipChanged.customerId,
        liveAfter.id,
        'nothing replayed twice',
      );
      resumed.unsubscribe();
    } finally {
      await again.dispose();
    }
  });

  it('sizes and one customer’s changes, each on its own subscription', async () => {
    const segment = await define({ trait: { key: 'plan', op: 'EQUALS', value: 'sized' } });
    const other = await define({ trait: { key: 'plan', op: 'EQUALS', value: 'unsized' } });
    const watched = randomUUID();
    const join = async (id: string, plan: string) => {
      const result = await execute(gateway.url, UpsertCustomerDocument, {
        input: { id, displayName: `Plan ${plan}`, traits: { plan } },
      });
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      await relayed(gateway.backends);
    };
    const client = wsClient(gateway.url);
    try {
      const sizes = subscribe(client, SegmentSizeChangedDocument, { segmentIds: [segment.id] });
      const size = async () => {
        const heard = await sizes.next(20_000);
        assert.equal(heard.errors, undefined, JSON.stringify(heard.errors));
        assert.equal(heard.data!.segmentSizeChanged.segmentId, segment.id);
        return heard.data!.segmentSizeChanged.size;
      };
      // Sizes have no resume cursor: they start wherever the instance reads when the server
      // registers the subscription. Members join until one is heard; then every later change is.
      let joined = 0;
      const first = await actUntilEvent(sizes, async () => {
        await join(randomUUID(), 'sized');
        joined += 1;
      });
      for (let last = first.data!.segmentSizeChanged.size; last !== joined;) {
        last = await size();
      }
      const theirs = subscribe(client, SegmentMembershipChangedDocument, {
        customerId: watched,
        afterCursor: '0',
      });
      await join(randomUUID(), 'unsized');
      await join(watched, 'sized');
      await join(watched, 'unsized');
      assert.deepEqual([await size(), await size()], [joined + 1, joined]);
      const heardTheirs = [];
      for (let i = 0; i < 3; i += 1) {
        const change = await theirs.next(20_000);
        assert.equal(change.errors, undefined, JSON.stringify(change.errors));
        const c = change.data!.segmentMembershipChanged;
        heardTheirs.push([c.customerId, c.segmentId, c.change]);
      }
      assert.deepEqual(
        heardTheirs.map(([customerId]) => customerId),
        [watched, watched, watched],
        'only the watched customer',
      );
      assert.deepEqual(
        heardTheirs.map(([, segmentId, change]) => `${segmentId}:${change}`).sort(),
        [`${other.id}:ENTERED`, `${segment.id}:ENTERED`, `${segment.id}:EXITED`].sort(),
      );
      sizes.unsubscribe();
      theirs.unsubscribe();
    } finally {
      await client.dispose();
    }
  });

  it('identity, consent and campaign writes move the segments that read them', async () => {
    const phone = await define({ identity: { type: 'PHONE' } });
    const marketing = await define({ consent: { purpose: 'MARKETING' } });
    const tag = randomUUID().slice(0, 8);
    const campaign = await execute(gateway.url, UpsertCampaignDocument, {
      input: { externalId: `c-${tag}`, name: 'Targeted', channel: 'EMAIL', status: 'ACTIVE' },
    });
    const campaignId = campaign.data!.upsertCampaign.id;
    const targeted = await define({ campaign: { campaignId, relation: 'TARGETED' } });
    const customer = await seedCustomer(gateway.url, 'Reachable');
    const isIn = async (segmentId: string) => (await memberIds(segmentId)).has(customer.id);
    const applied = async (result: Promise<{ errors?: unknown }>) => {
      const answer = await result;
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      await relayed(gateway.backends);
    };
    assert.deepEqual(
      [await isIn(phone.id), await isIn(marketing.id), await isIn(targeted.id)],
      [false, false, false],
    );

    await applied(
      execute(gateway.url, UpsertCustomerDocument, {
        input: {
          id: customer.id,
          displayName: 'Reachable',
          identities: [{ type: 'PHONE', value: '+44 20 7946 0958' }],
        },
      }),
    );
    assert.ok(await isIn(phone.id), 'a phone added');
    await applied(
      execute(gateway.url, SetConsentDocument, {
        customerId: customer.id,
        purpose: 'MARKETING',
        granted: true,
      }),
    );
    assert.ok(await isIn(marketing.id), 'consent granted');
    await applied(
      execute(gateway.url, TargetCampaignDocument, { campaignId, customerIds: [customer.id] }),
    );
    assert.ok(await isIn(targeted.id), 'targeted');
    await applied(
      execute(gateway.url, SetConsentDocument, {
        customerId: customer.id,
        purpose: 'MARKETING',
        granted: false,
      }),
    );
    assert.ok(!(await isIn(marketing.id)), 'consent withdrawn');
  });

  it('a member leaves when their window closes', async () => {
    const segment = await define({
      event: {
        type: 'cart_add',
        aggregate: 'COUNT',
        op: 'GREATER_OR_EQUAL',
        value: 1,
        window: { last: 60, unit: 'MINUTES' },
      },
    });
    const customer = await seedCustomer(gateway.url, 'Cart Adder');
    // 59 minutes and 57 seconds ago: in the window for three more seconds.
    await track(customer, 'cart_add', new Date(Date.now() - (60 * 60 - 3) * 1_000));
    await relayed(gateway.backends);
    assert.ok((await memberIds(segment.id)).has(customer.id), 'in the window at first');
    const left = await until(
      () => memberIds(segment.id),
      (ids) => !ids.has(customer.id),
      20_000,
    );
    assert.ok(!left.has(customer.id), 'left once the window closed');
    const exit = (await state(segment.id))!.changes.edges[0]!.node;
    assert.equal(exit.change, 'EXITED');
    assert.equal(exit.reason.trigger, 'time passed');
    assert.deepEqual(
      exit.reason.conditions.map((c) => [c.was, c.now]),
      [[true, false]],
    );
  });

  it('re-evaluates a graph predicate when a relationship changes, and when the relative changes', async () => {
    const buyers = await define({
      event: { type: 'purchase', aggregate: 'COUNT', op: 'GREATER_OR_EQUAL', value: 2 },
    });
    const familyOfBuyers = await define({
      relationship: { type: 'SPOUSE_OF', to: { inSegment: { segmentId: buyers.id } } },
    });
    const spouse = await seedCustomer(gateway.url, 'Spouse');
    const partner = await seedCustomer(gateway.url, 'Partner');
    await track(spouse, 'purchase');
    await track(spouse, 'purchase');
    await relayed(gateway.backends);
    assert.ok((await memberIds(buyers.id)).has(spouse.id));
    assert.ok(!(await memberIds(familyOfBuyers.id)).has(partner.id));

    await execute(gateway.url, LinkRelationshipDocument, {
      fromId: spouse.id,
      toId: partner.id,
      type: 'SPOUSE_OF',
    });
    await relayed(gateway.backends);
    assert.ok((await memberIds(familyOfBuyers.id)).has(partner.id), 'linked: the partner enters');

    await execute(gateway.url, UnlinkRelationshipDocument, {
      fromId: spouse.id,
      toId: partner.id,
      type: 'SPOUSE_OF',
    });
    await relayed(gateway.backends);
    assert.ok(
      !(await memberIds(familyOfBuyers.id)).has(partner.id),
      'unlinked: the partner leaves',
    );

    // Linked again, then the spouse stops being a buyer (a stricter rule): the ripple reaches the partner.
    await execute(gateway.url, LinkRelationshipDocument, {
      fromId: spouse.id,
      toId: partner.id,
      type: 'SPOUSE_OF',
    });
    await relayed(gateway.backends);
    assert.ok((await memberIds(familyOfBuyers.id)).has(partner.id));
    const stricter = await execute(gateway.url, UpdateSegmentDocument, {
      id: buyers.id,
      input: {
        rule: { event: { type: 'purchase', aggregate: 'COUNT', op: 'GREATER_OR_EQUAL', value: 3 } },
      },
    });
    assert.equal(stricter.data?.updateSegment.version, 2);
    const gone = await until(
      () => memberIds(familyOfBuyers.id),
      (ids) => !ids.has(partner.id),
      20_000,
    );
    assert.ok(!gone.has(partner.id), 'the relative left the buyers, so the partner left too');
  });

  it('merges and erasures update memberships', async () => {
    const segment = await define({
      event: { type: 'view', aggregate: 'COUNT', op: 'GREATER_OR_EQUAL', value: 2 },
    });
    const a = await seedCustomer(gateway.url, 'Half A');
    const b = await seedCustomer(gateway.url, 'Half B');
    await track(a, 'view');
    await track(b, 'view');
    await relayed(gateway.backends);
    assert.equal((await memberIds(segment.id)).size, 0);

    const merged = await execute(gateway.url, MergeCustomersDocument, {
      survivorId: a.id,
      mergedId: b.id,
    });
    assert.equal(merged.errors, undefined, JSON.stringify(merged.errors));
    await relayed(gateway.backends);
    assert.deepEqual(await memberIds(segment.id), new Set([a.id]), 'the survivor holds both views');

    const erased = await execute(gateway.url, EraseCustomerDocument, { id: a.id });
    assert.equal(erased.errors, undefined, JSON.stringify(erased.errors));
    await relayed(gateway.backends);
    assert.equal((await memberIds(segment.id)).size, 0);
    const exit = (await state(segment.id))!.changes.edges[0]!.node;
    assert.equal(exit.change, 'EXITED');
    assert.equal(exit.reason.trigger, 'customer erased');
  });

  it('a relative merged or erased re-evaluates whoever was related to them', async () => {
    const spouseOfBuyer = await define({
      relationship: {
        type: 'SPOUSE_OF',
        to: { event: { type: 'purchase', aggregate: 'COUNT', op: 'GREATER_OR_EQUAL', value: 2 } },
      },
    });
    const partner = await seedCustomer(gateway.url, 'Partner Of Half');
    const half = await seedCustomer(gateway.url, 'Other Half');
    const survivor = await seedCustomer(gateway.url, 'Same Person');
    await track(half, 'purchase');
    await track(survivor, 'purchase');
    const linked = await execute(gateway.url, LinkRelationshipDocument, {
      fromId: half.id,
      toId: partner.id,
      type: 'SPOUSE_OF',
    });
    assert.equal(linked.errors, undefined, JSON.stringify(linked.errors));
    await relayed(gateway.backends);
    assert.ok(!(await memberIds(spouseOfBuyer.id)).has(partner.id), 'one purchase each');

    // The merge gives the partner a spouse with both purchases; nothing about the partner changed.
    const merged = await execute(gateway.url, MergeCustomersDocument, {
      survivorId: survivor.id,
      mergedId: half.id,
    });
    assert.equal(merged.errors, undefined, JSON.stringify(merged.errors));
    await relayed(gateway.backends);
    assert.ok(
      (await memberIds(spouseOfBuyer.id)).has(partner.id),
      'the spouse, merged, now bought twice',
    );

    const erased = await execute(gateway.url, EraseCustomerDocument, { id: survivor.id });
    assert.equal(erased.errors, undefined, JSON.stringify(erased.errors));
    await relayed(gateway.backends);
    assert.ok(!(await memberIds(spouseOfBuyer.id)).has(partner.id), 'no spouse any more');
  });

  it('lists the changes since a moment', async () => {
    const segment = await define({ trait: { key: 'plan', op: 'EQUALS', value: 'since' } });
    const enter = async (name: string) => {
      const id = randomUUID();
      const result = await execute(gateway.url, UpsertCustomerDocument, {
        input: { id, displayName: name, traits: { plan: 'since' } },
      });
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      await relayed(gateway.backends);
      return id;
    };
    const earlier = await enter('Earlier');
    const later = await enter('Later');
    const changes = async (since: Date | null) =>
      (
        await execute(gateway.url, SegmentChangesSinceDocument, {
          id: segment.id,
          since: since?.toISOString() ?? null,
        })
      ).data!.segment!.changes.edges.map((e) => e.node);
    const all = await changes(null);
    assert.deepEqual(
      all.map((c) => c.customerId),
      [later, earlier],
    );
    const afterEarlier = new Date(new Date(all[1]!.at).getTime() + 1);
    assert.deepEqual(
      (await changes(afterEarlier)).map((c) => c.customerId),
      [later],
    );
  });

  it('cart abandoned: in two hours after a cart_add with no purchase, out at the purchase', async () => {
    const segment = await execute(gateway.url, DefineSegmentDocument, {
      input: {
        key: `abandoned-${randomUUID().slice(0, 8)}`,
        name: 'Abandoned',
        template: { name: 'CART_ABANDONED' },
      },
    });
    assert.equal(segment.errors, undefined, JSON.stringify(segment.errors));
    const id = segment.data!.defineSegment.id;
    const shopper = await seedCustomer(gateway.url, 'Hesitant Shopper');
    const buyer = await seedCustomer(gateway.url, 'Quick Buyer');
    await track(shopper, 'cart_add', new Date(Date.now() - 3 * 3_600_000));
    await track(buyer, 'cart_add', new Date(Date.now() - 3 * 3_600_000));
    await track(buyer, 'purchase', new Date(Date.now() - 2.5 * 3_600_000));
    await relayed(gateway.backends);
    await until(
      () => state(id),
      (s) => s?.status === 'READY',
      20_000,
    );
    assert.deepEqual(await memberIds(id), new Set([shopper.id]));
    await track(shopper, 'purchase');
    await relayed(gateway.backends);
    assert.equal((await memberIds(id)).size, 0, 'the purchase ends the abandonment');
  });

  it('selects customers whose preferences are near a given customer’s', async () => {
    await seedVocabulary(gateway, ['hiking', 'camping', 'knitting', 'baking']);
    const hiker = await seedWithInterests(gateway.url, 'Hiker', ['hiking', 'camping']);
    const alike = await seedWithInterests(gateway.url, 'Also A Hiker', ['camping', 'hiking']);
    const knitter = await seedWithInterests(gateway.url, 'Knitter', ['knitting', 'baking']);
    await relayed(gateway.backends);
    const segment = await define({ similarTo: { customerId: hiker.id, maxDistance: 0.2 } });
    const members = await memberIds(segment.id);
    assert.ok(members.has(hiker.id) && members.has(alike.id), 'the same interests are near');
    assert.ok(!members.has(knitter.id), 'other interests are far');

    // The tick evaluates it again only once the reference moved since a pass.
    const engine = engineBesideTheGateway();
    const due = async () =>
      (await engine.timeDependentPlans()).some((plan) => plan.id === segment.id);
    assert.equal(await due(), true, 'never evaluated in full on this engine');
    const [stored] = await new SegmentStore(gateway.backends.postgres).byIds([segment.id]);
    await engine.evaluateAll(planOf(stored!), { kind: 'time' });
    assert.equal(await due(), false, 'nothing moved since its pass');

    // The reference changes; nobody else does: the members follow on the time tick.
    const moved = await execute(gateway.url, UpsertCustomerDocument, {
      input: { id: hiker.id, displayName: 'Hiker', traits: { interests: ['knitting', 'baking'] } },
    });
    assert.equal(moved.errors, undefined, JSON.stringify(moved.errors));
    await relayed(gateway.backends);
    assert.equal(await due(), true, 'the reference moved');
    const after = await until(
      () => memberIds(segment.id),
      (ids) => ids.has(knitter.id) && !ids.has(alike.id),
      20_000,
    );
    assert.ok(after.has(knitter.id), 'the knitter is near the reference now');
    assert.ok(!after.has(alike.id), 'the other hiker is far from it now');
  });

  it('an evaluation that read a rule since replaced is made again from the new one', async () => {
    const id = randomUUID();
    const seeded = await execute(gateway.url, UpsertCustomerDocument, {
      input: { id, displayName: 'Silver plan', traits: { plan: 'silver' } },
    });
    assert.equal(seeded.errors, undefined, JSON.stringify(seeded.errors));
    const plan = (value: string): SegmentRuleInput => ({
      trait: { key: 'plan', op: 'EQUALS', value },
    });
    const segment = await define(plan('gold'));
    // What a write's evaluation read just before the definition below replaced it.
    const stored = (await new SegmentStore(gateway.backends.postgres).list()).find(
      (row) => row.id === segment.id,
    )!;
    const updated = await execute(gateway.url, UpdateSegmentDocument, {
      id: segment.id,
      input: { rule: plan('silver') },
    });
    assert.equal(updated.data?.updateSegment.version, 2, JSON.stringify(updated.errors));
    await until(
      () => state(segment.id),
      (s) => s?.status === 'READY' && s.members.totalCount === 1,
      20_000,
    );
    // The full evaluation of version 2 has already passed this customer: had the late
    // evaluation written what version 1 says, the member would leave for good. A second
    // customer, stored since, whose write is still to be evaluated, joins under version 2.
    const late = randomUUID();
    await gateway.backends.postgres.query(
      `INSERT INTO customers (id, display_name, traits) VALUES ($1, 'Silver since', '{"plan":"silver"}')`,
      [late],
    );
    const engine = engineBesideTheGateway();
    const moved = await engine.evaluate([planOf(stored)], [id, late], {
      kind: 'change',
      change: { kind: 'profile' },
    });
    assert.deepEqual(moved, [{ segmentId: segment.id, customerId: late, change: 'ENTERED' }]);
    const after = await state(segment.id);
    assert.deepEqual(
      new Set(after!.members.edges.map((e) => e.node.customerId)),
      new Set([id, late]),
    );
    assert.equal(after!.size, 2);

    // A full pass of version 1 that was still running stops at its next chunk, writing
    // nothing: version 2's own pass covers everyone. Had it gone on under version 2, this
    // third customer (never evaluated: stored straight into the table) would join.
    const unseen = randomUUID();
    await gateway.backends.postgres.query(
      `INSERT INTO customers (id, display_name, traits) VALUES ($1, 'Silver unseen', '{"plan":"silver"}')`,
      [unseen],
    );
    const changed = await engine.evaluateAll(planOf(stored), { kind: 'definition', version: 1 });
    assert.equal(changed, 0);
    const last = await state(segment.id);
    assert.deepEqual(
      new Set(last!.members.edges.map((e) => e.node.customerId)),
      new Set([id, late]),
    );
    assert.equal(last!.status, 'READY');
  });

  it('previews a rule without saving it', async () => {
    const customer = await seedCustomer(gateway.url, 'Previewed');
    await track(customer, 'search');
    await relayed(gateway.backends);
    const preview = await execute(gateway.url, PreviewSegmentDocument, {
      rule: { event: { type: 'search', aggregate: 'COUNT', op: 'GREATER_OR_EQUAL', value: 1 } },
      sampleSize: 5,
    });
    assert.equal(preview.errors, undefined, JSON.stringify(preview.errors));
    assert.ok(preview.data!.previewSegment.sampleIds.includes(customer.id));
    assert.ok(preview.data!.previewSegment.size >= 1);
  });

  it('refuses bad rules with stable codes and stores nothing', async () => {
    const buyers = await define({ trait: { key: 'tier', op: 'EQUALS', value: 'gold' } });
    const refer = await define({ inSegment: { segmentId: buyers.id } });
    const refused = async (rule: SegmentRuleInput) => {
      const result = await execute(gateway.url, DefineSegmentDocument, {
        input: { key: `bad-${randomUUID().slice(0, 8)}`, name: 'Bad', rule },
      });
      return result.errors?.[0]?.extensions ?? {};
    };
    assert.deepEqual(
      [await refused({ trait: { key: 'x', op: 'EXISTS' }, identity: { type: 'EMAIL' } })].map(
        (e) => [e['code'], e['reason']],
      ),
      [['INVALID_SEGMENT_RULE', 'ONE_FIELD_PER_NODE']],
    );
    const window = await refused({
      event: { type: 'view', window: { last: 10, unit: 'DAYS', from: new Date().toISOString() } },
    });
    assert.equal(window['reason'], 'INVALID_VALUE');
    const tooLong = await refused({
      event: { type: 'view', window: { last: 3000, unit: 'DAYS' } },
    });
    assert.deepEqual(
      [tooLong['code'], tooLong['reason']],
      ['INVALID_SEGMENT_RULE', 'WINDOW_OUT_OF_RANGE'],
    );
    const unbounded = await refused({
      event: { aggregate: 'COUNT', op: 'GREATER_OR_EQUAL', value: 1 },
    });
    assert.deepEqual([unbounded['reason'], unbounded['path']], ['UNBOUNDED_SCAN', 'event']);
    const unknown = await refused({ inSegment: { segmentId: randomUUID() } });
    assert.equal(unknown['reason'], 'UNKNOWN_SEGMENT');
    const cycle = await execute(gateway.url, UpdateSegmentDocument, {
      id: buyers.id,
      input: { rule: { inSegment: { segmentId: refer.id } } },
    });
    assert.equal(cycle.errors?.[0]?.extensions?.['code'], 'SEGMENT_CYCLE');
    const deleting = await execute(gateway.url, DeleteSegmentDocument, { id: buyers.id });
    assert.equal(
      deleting.errors?.[0]?.extensions?.['code'],
      'CONFLICT',
      'another segment refers to it',
    );
    assert.equal((await state(buyers.id))!.version, 1, 'the refused update stored nothing');
  });

  it('refuses chains of references longer than a change ripples through', async () => {
    // Five references deep: a change at the bottom reaches the top.
    const chain = [await define({ trait: { key: 'tier', op: 'EQUALS', value: 'chain' } })];
    for (let i = 0; i < 5; i += 1) {
      chain.push(await define({ inSegment: { segmentId: chain.at(-1)!.id } }));
    }
    const key = `deep-${randomUUID().slice(0, 8)}`;
    const sixth = await execute(gateway.url, DefineSegmentDocument, {
      input: { key, name: 'Too deep', rule: { inSegment: { segmentId: chain.at(-1)!.id } } },
    });
    assert.deepEqual(
      [sixth.errors?.[0]?.extensions?.['code'], sixth.errors?.[0]?.extensions?.['reason']],
      ['INVALID_SEGMENT_RULE', 'TOO_DEEP'],
    );
    // From below: the bottom segment made to refer to another lengthens every chain above it.
    const other = await define({ trait: { key: 'tier', op: 'EQUALS', value: 'other' } });
    const lower = await execute(gateway.url, UpdateSegmentDocument, {
      id: chain[0]!.id,
      input: { rule: { inSegment: { segmentId: other.id } } },
    });
    assert.equal(lower.errors?.[0]?.extensions?.['reason'], 'TOO_DEEP');
    assert.equal((await state(chain[0]!.id))!.version, 1, 'the refused update stored nothing');
  });

  it('two updates that would together make a cycle: the later one is refused', async () => {
    const a = await define({ trait: { key: 'tier', op: 'EQUALS', value: 'a' } });
    const b = await define({ trait: { key: 'tier', op: 'EQUALS', value: 'b' } });
    const refer = (self: { id: string }, other: { id: string }) =>
      execute(gateway.url, UpdateSegmentDocument, {
        id: self.id,
        input: { rule: { inSegment: { segmentId: other.id } } },
      });
    // Holds b's row, so the first update stops after its checks, before it stores; the
    // second then comes while the first has not committed.
    const holder = new pg.Client({ connectionString: gateway.database.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM segments WHERE id = $1 FOR UPDATE', [b.id]);
      // Only the two updates: the time tick's passes may wait on locks of their own.
      const waiting = () =>
        lockWaiters(gateway.database.url, 'segments.update', 'segments.lockDefinitions');
      const first = refer(b, a);
      assert.equal(await until(waiting, (n) => n === 1, 10_000), 1, 'the first update waits');
      const second = refer(a, b);
      assert.equal(
        await until(waiting, (n) => n === 2, 10_000),
        2,
        'the second update waits for the first to commit before it checks',
      );
      await holder.query('COMMIT');
      assert.equal((await first).errors, undefined, 'b refers to a');
      assert.equal((await second).errors?.[0]?.extensions?.['code'], 'SEGMENT_CYCLE');
    } finally {
      await holder.end();
    }
    assert.equal((await state(a.id))!.version, 1, 'the refused update stored nothing');
  });
});
