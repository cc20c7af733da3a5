import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { mulberry32 } from '../../../src/lib/seeded-random.js';
import {
  CreateApiKeyDocument,
  DefineSegmentDocument,
  DeleteSegmentDocument,
  EraseCustomerDocument,
  LinkRelationshipDocument,
  MergeCustomersDocument,
  ReadModel360Document,
  type ReadModel360Query,
  ReadModelStatusDocument,
  type SegmentRuleInput,
  SegmentStateDocument,
  SetConsentDocument,
  TargetCampaignDocument,
  TrackDocument,
  UnlinkRelationshipDocument,
  UpdateSegmentDocument,
  UpsertCampaignDocument,
  UpsertCustomerDocument,
  UpsertProductDocument,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { documentsServable } from '../../support/read-model.js';
import { recordRequestStatements } from '../../support/request-statements.js';
import { relayed } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { until } from '../../support/until.js';

type Relationship = 'SPOUSE_OF' | 'PARENT_OF' | 'SIBLING_OF' | 'HOUSEHOLD_MEMBER' | 'REFERRED';
const RELATIONSHIPS: Relationship[] = [
  'SPOUSE_OF',
  'PARENT_OF',
  'SIBLING_OF',
  'HOUSEHOLD_MEMBER',
  'REFERRED',
];
const EVENT_TYPES = ['VIEW', 'PURCHASE', 'CART_ADD', 'CAMPAIGN_TOUCH'] as const;
const PURPOSES = ['MARKETING', 'PERSONALIZATION', 'ANALYTICS'] as const;
/**
 * The statements of the live loaders a 360 read would otherwise run (a segment's own row, its
 * key here, is read live: its size changes with every member).
 */
const LIVE_READS =
  /^((customer|identity|consent|event|product|content|campaign|catalog)\.|segments\.membershipsOf|prediction\.)/;

/**
 * Two gateways on one database: `projected` serves 360 reads from the read model, `live`
 * (READ_MODEL=off) always reads the stores. After any sequence of writes, once the projector
 * has caught up, both must answer every 360 read identically, and `projected` must answer from
 * its documents (no per-field statements).
 */
describe('customer 360 read model', () => {
  let projected: TestApp;
  let live: TestApp;
  let statementsOf: ReturnType<typeof recordRequestStatements>;
  const customers: string[] = [];
  const products: { id: string; sku: string }[] = [];
  const campaigns: string[] = [];

  before(async () => {
    projected = await createTestApp();
    live = await createTestApp({ database: projected.database, env: { READ_MODEL: 'off' } });
    statementsOf = recordRequestStatements(projected.backends.postgres, projected.app.httpServer);
    for (let i = 0; i < 6; i += 1) {
      customers.push(await upsertCustomer(projected, randomUUID(), `Customer ${i}`));
    }
    for (let i = 0; i < 3; i += 1) {
      const sku = `rm-${randomUUID()}`;
      const result = await execute(projected.url, UpsertProductDocument, {
        input: { sku, name: `Product ${i}`, price: 10 + i, currency: 'EUR', inStock: true },
      });
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      products.push({ id: result.data!.upsertProduct.id, sku });
    }
    for (let i = 0; i < 2; i += 1) {
      const result = await execute(projected.url, UpsertCampaignDocument, {
        input: { externalId: `rm-${randomUUID()}`, name: `Campaign ${i}`, channel: 'EMAIL' },
      });
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      campaigns.push(result.data!.upsertCampaign.id);
    }
    // Memberships that the random events (buyers) and links (spouses) make and unmake.
    await defineSegment(projected, {
      event: { type: 'purchase', aggregate: 'COUNT', op: 'GREATER_OR_EQUAL', value: 1 },
    });
    await defineSegment(projected, { relationship: { type: 'SPOUSE_OF' } });
  });

  after(async () => {
    await live?.stop();
    await projected?.stop();
  });

  it('answers every 360 read as the live path does, after random write sequences, from one lookup', async () => {
    const random = mulberry32(20261208);
    const writes = randomWrites(random, () => ({ customers, products, campaigns }));
    const segmentsSeen = new Set<number>();
    for (let round = 0; round < 4; round += 1) {
      for (let step = 0; step < 10; step += 1) {
        await writes.next(projected);
      }
      await settled(projected, writes.alive());
      for (const id of writes.alive()) {
        const { result: answer, statements } = await statementsOf.during(() => read(projected, id));
        assert.deepEqual(answer, await read(live, id), `round ${round}, customer ${id}`);
        segmentsSeen.add(answer?.segments.length ?? 0);
        assert.ok(statements.includes('read-model.loadFresh'));
        assert.deepEqual(
          statements.filter((name) => LIVE_READS.test(name)),
          [],
          `round ${round}: a read of ${id} answered from its document`,
        );
      }
      for (const id of writes.gone()) {
        assert.deepEqual(await read(projected, id), await read(live, id));
      }
    }
    // The writes made memberships (buyers, spouses) and left customers without one.
    assert.ok(segmentsSeen.has(0) && segmentsSeen.size > 1, [...segmentsSeen].join(', '));
  });

  it('never serves a document older than the last write: a relative renamed is seen at once', async () => {
    const [parent, child] = [
      await upsertCustomer(projected, randomUUID(), 'Parent'),
      await upsertCustomer(projected, randomUUID(), 'Child'),
    ];
    await link(projected, parent, child, 'PARENT_OF');
    await settled(projected, [parent, child]);

    await upsertCustomer(projected, child, 'Child, renamed');
    const family = (await read(projected, parent))?.family;

    assert.deepEqual(
      family?.map((relative) => relative.customer?.displayName),
      ['Child, renamed'],
    );
  });

  it('shows at once a segment redefined or deleted, which no write of the customer marks', async () => {
    const id = await upsertCustomer(projected, randomUUID(), 'Gold Member');
    const gold = { trait: { key: 'plan', op: 'EQUALS' as const, value: 'gold' } };
    const [redefined, deleted] = [
      await defineSegment(projected, gold),
      await defineSegment(projected, gold),
    ];
    await settled(projected, [id]);
    const segmentsOf = async (app: TestApp) =>
      (await read(app, id))?.segments.map((m) => m.segmentId).sort();
    assert.deepEqual(await segmentsOf(projected), [redefined, deleted].sort());

    const updated = await execute(projected.url, UpdateSegmentDocument, {
      id: redefined,
      input: { rule: { trait: { key: 'plan', op: 'EQUALS', value: 'silver' } } },
    });
    assert.equal(updated.errors, undefined, JSON.stringify(updated.errors));
    await segmentReady(projected, redefined);
    assert.deepEqual(await segmentsOf(projected), [deleted]);

    await settled(projected, [id]);
    const removed = await execute(projected.url, DeleteSegmentDocument, { id: deleted });
    assert.equal(removed.errors, undefined, JSON.stringify(removed.errors));
    assert.deepEqual(await segmentsOf(projected), []);
    assert.deepEqual(await read(projected, id), await read(live, id));
  });

  it('masks personal values read from a document as the live path does, and erasure removes it', async () => {
    const id = await upsertCustomer(projected, randomUUID(), 'Masked Person');
    await settled(projected, [id]);
    const created = await execute(projected.url, CreateApiKeyDocument, {
      name: 'read-only',
      scopes: ['READ'],
    });
    const readOnly = { apiKey: created.data!.createApiKey.key };

    const fromDocument = await execute(projected.url, ReadModel360Document, { id }, readOnly);
    const fromStores = await execute(live.url, ReadModel360Document, { id }, readOnly);

    assert.deepEqual(fromDocument, fromStores);
    assert.notEqual(fromDocument.data?.customer?.email, `${id}@example.com`);
    assert.notEqual(fromDocument.data?.customer?.displayName, 'Masked Person');

    await execute(projected.url, EraseCustomerDocument, { id });
    const { rows } = await projected.backends.postgres.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM customer_360 WHERE customer_id = $1',
      [id],
    );
    assert.equal(rows[0]!.n, 0);
    assert.equal((await read(projected, id)) ?? null, null);
  });

  it('reports its lag to admins only', async () => {
    const status = await execute(projected.url, ReadModelStatusDocument);
    assert.equal(status.data?.readModelStatus.enabled, true);
    assert.ok(status.data!.readModelStatus.documents > 0);

    const created = await execute(projected.url, CreateApiKeyDocument, {
      name: 'reader',
      scopes: ['READ', 'READ_PII'],
    });
    const refused = await execute(projected.url, ReadModelStatusDocument, undefined, {
      apiKey: created.data!.createApiKey.key,
    });
    assert.equal(refused.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
  });
});

type Customer360 = ReadModel360Query['customer'];

async function read(app: TestApp, id: string): Promise<Customer360> {
  const result = await execute(app.url, ReadModel360Document, { id });
  assert.equal(result.errors, undefined, JSON.stringify(result.errors));
  return result.data!.customer;
}

/**
 * Waits until every store has every write (outbox empty) and each customer has an up-to-date
 * document: read once (a read asks the projector for a missing one), then a servable document
 * (not the placeholder a first build holds while it runs) with no dirty mark.
 */
async function settled(app: TestApp, ids: readonly string[]): Promise<void> {
  await relayed(app.backends);
  for (const id of ids) {
    await read(app, id);
  }
  await documentsServable(app.backends, ids);
}

async function upsertCustomer(app: TestApp, id: string, displayName: string): Promise<string> {
  const result = await execute(app.url, UpsertCustomerDocument, {
    input: {
      id,
      displayName,
      email: `${id}@example.com`,
      identities: [{ type: 'USER_ID', value: `user-${id}` }],
      traits: { plan: 'gold' },
    },
  });
  assert.equal(result.errors, undefined, JSON.stringify(result.errors));
  return id;
}

async function defineSegment(app: TestApp, rule: SegmentRuleInput): Promise<string> {
  const key = `rm-${randomUUID().slice(0, 8)}`;
  const defined = await execute(app.url, DefineSegmentDocument, {
    input: { key, name: key, rule },
  });
  assert.equal(defined.errors, undefined, JSON.stringify(defined.errors));
  await segmentReady(app, defined.data!.defineSegment.id);
  return defined.data!.defineSegment.id;
}

async function segmentReady(app: TestApp, id: string): Promise<void> {
  await until(
    async () => (await execute(app.url, SegmentStateDocument, { id })).data?.segment?.status,
    (status) => status === 'READY',
    20_000,
  );
}

async function link(app: TestApp, from: string, to: string, type: Relationship): Promise<void> {
  const result = await execute(app.url, LinkRelationshipDocument, { fromId: from, toId: to, type });
  assert.equal(result.errors, undefined, JSON.stringify(result.errors));
}

interface Population {
  customers: string[];
  products: { id: string; sku: string }[];
  campaigns: string[];
}

/**
 * Every kind of write a 360 document depends on, picked at random: profile changes, events
 * (which become interactions and campaign responses in the graph), consent, links and
 * unlinks, campaign targeting, product renames, merges and erasures.
 */
function randomWrites(random: () => number, population: () => Population) {
  const gone = new Set<string>();
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const alive = () => population().customers.filter((id) => !gone.has(id));
  const kinds: ((app: TestApp) => Promise<unknown>)[] = [
    (app) => upsertCustomer(app, pick(alive()), `Renamed ${random().toFixed(4)}`),
    (app) => {
      const id = pick(alive());
      const event = pick(EVENT_TYPES);
      const properties =
        event === 'CAMPAIGN_TOUCH'
          ? { campaignId: pick(population().campaigns) }
          : { sku: pick(population().products).sku };
      return execute(app.url, TrackDocument, {
        event: {
          messageId: randomUUID(),
          identity: { type: 'USER_ID', value: `user-${id}` },
          type: event,
          properties,
        },
      });
    },
    (app) =>
      execute(app.url, SetConsentDocument, {
        customerId: pick(alive()),
        purpose: pick(PURPOSES),
        granted: random() < 0.5,
      }),
    (app) => {
      const [from, to] = [pick(alive()), pick(alive())];
      return from === to ? Promise.resolve() : link(app, from, to, pick(RELATIONSHIPS));
    },
    (app) => {
      const [from, to] = [pick(alive()), pick(alive())];
      return execute(app.url, UnlinkRelationshipDocument, {
        fromId: from,
        toId: to,
        type: pick(RELATIONSHIPS),
      });
    },
    (app) =>
      execute(app.url, TargetCampaignDocument, {
        campaignId: pick(population().campaigns),
        customerIds: [pick(alive())],
      }),
    (app) => {
      const product = pick(population().products);
      return execute(app.url, UpsertProductDocument, {
        input: {
          sku: product.sku,
          name: `Product ${random().toFixed(4)}`,
          inStock: random() < 0.7,
        },
      });
    },
  ];
  const rare: ((app: TestApp) => Promise<unknown>)[] = [
    async (app) => {
      const [survivorId, mergedId] = [pick(alive()), pick(alive())];
      if (survivorId !== mergedId && alive().length > 3) {
        await execute(app.url, MergeCustomersDocument, { survivorId, mergedId });
        gone.add(mergedId);
      }
    },
    async (app) => {
      if (alive().length > 3) {
        const id = pick(alive());
        await execute(app.url, EraseCustomerDocument, { id });
        gone.add(id);
      }
    },
  ];
  return {
    next: async (app: TestApp) => {
      const write = random() < 0.08 ? pick(rare) : pick(kinds);
      await write(app);
    },
    alive,
    gone: () => [...gone],
  };
}
