import { en, Faker } from '@faker-js/faker';

import type { Queryable } from '../datasources/postgres.js';
import { OutboxStore } from '../outbox/outbox.store.js';
import type {
  UpsertCampaignInput,
  UpsertContentInput,
  UpsertProductInput,
} from '../modules/catalog/catalog.inputs.js';
import { catalogWriters } from '../modules/catalog/catalog.service.js';
import { CampaignChannel, CampaignStatus, ContentKind } from '../modules/catalog/catalog.type.js';
import { recordInteractions } from '../modules/catalog/interaction.service.js';
import { EventStore } from '../modules/event/event.store.js';
import { EventType } from '../modules/event/event.type.js';

const CATEGORIES: Record<string, string[]> = {
  Outdoor: ['Trail shoes', 'Rain jacket', 'Tent', 'Headlamp', 'Water bottle'],
  Kitchen: ['Espresso machine', 'Chef knife', 'Dutch oven', 'Coffee grinder', 'Stand mixer'],
  Books: ['Cookbook', 'Travel guide', 'Crime novel', 'Comic album', 'Garden handbook'],
  Home: ['Desk lamp', 'Smart speaker', 'Office chair', 'Plant pot', 'Throw blanket'],
  Kids: ['Building blocks', 'Picture book', 'Baby monitor', 'Board game', 'Scooter'],
  Beauty: ['Face cream', 'Sunscreen', 'Shampoo bar', 'Lip balm', 'Perfume'],
};

const CAMPAIGNS: [string, CampaignChannel, CampaignStatus][] = [
  ['Spring outdoor sale', CampaignChannel.EMAIL, CampaignStatus.ENDED],
  ['Coffee lovers', CampaignChannel.PUSH, CampaignStatus.ACTIVE],
  ['Back to school', CampaignChannel.ADS, CampaignStatus.ACTIVE],
  ['Winter warmers', CampaignChannel.SMS, CampaignStatus.DRAFT],
];

/**
 * Adds a deterministic catalog to the demo population: products in categories, content,
 * campaigns, each household targeted by a campaign or two, and every customer's history of
 * views, carts, purchases and campaign touches. Everything is written as the public mutations
 * write it (outbox included), so the relay builds the commerce graph on start. Call inside the
 * demo loader's transaction.
 */
export async function loadDemoCatalog(
  tx: Queryable,
  customerIds: readonly string[],
  seed = 361,
): Promise<void> {
  const faker = new Faker({ locale: [en], seed });
  // Fixed "now", so the same seed gives the same event times on every start.
  faker.setDefaultRefDate(new Date(Date.UTC(2026, 10, 1)));
  const products = await storeAll(tx, catalogWriters.product, demoProducts(faker));
  await storeAll(tx, catalogWriters.content, demoContent(faker));
  const campaigns = await storeAll(tx, catalogWriters.campaign, demoCampaigns());
  const outbox = new OutboxStore(tx);
  const events = new EventStore(tx);
  const messageIds: string[] = [];
  for (const customerId of customerIds) {
    const touched = faker.helpers.arrayElements(campaigns, { min: 0, max: 2 });
    await outbox.add(
      touched.map((campaignId) => ({
        topic: 'graph.campaign.targeted',
        payload: { campaignId, customerId, at: faker.date.recent({ days: 60 }).toISOString() },
      })),
    );
    for (const [type, properties] of demoHistory(faker, products, touched)) {
      const messageId = faker.string.uuid();
      const occurredAt = faker.date.recent({ days: 90 });
      await events.insert({ messageId, customerId, type, name: null, properties, occurredAt });
      messageIds.push(messageId);
    }
  }
  await recordInteractions(tx, messageIds);
}

/** Views of a few products, some carted, fewer bought, and a touch of some campaigns. */
function demoHistory(
  faker: Faker,
  products: readonly string[],
  campaigns: readonly string[],
): [EventType, Record<string, unknown>][] {
  const viewed = faker.helpers.arrayElements(products, { min: 2, max: 6 });
  const history: [EventType, Record<string, unknown>][] = [];
  for (const productId of viewed) {
    const views = faker.number.int({ min: 1, max: 4 });
    for (let n = 0; n < views; n += 1) {
      history.push([EventType.VIEW, { productId }]);
    }
    if (faker.datatype.boolean({ probability: 0.4 })) {
      history.push([EventType.CART_ADD, { productId }]);
      if (faker.datatype.boolean({ probability: 0.6 })) {
        history.push([EventType.PURCHASE, { productId }]);
      }
    }
  }
  for (const campaignId of campaigns) {
    if (faker.datatype.boolean({ probability: 0.5 })) {
      history.push([EventType.CAMPAIGN_TOUCH, { campaignId }]);
    }
  }
  return history;
}

async function storeAll<I, T extends { id: string }>(
  tx: Queryable,
  writer: { write(tx: Queryable, input: I): Promise<{ item: T }> },
  inputs: readonly I[],
): Promise<string[]> {
  const ids: string[] = [];
  for (const input of inputs) {
    ids.push((await writer.write(tx, input)).item.id);
  }
  return ids;
}

function demoProducts(faker: Faker): UpsertProductInput[] {
  return Object.entries(CATEGORIES).flatMap(([category, names], c) =>
    names.map((name, n) => ({
      sku: `DEMO-${c + 1}${String(n + 1).padStart(2, '0')}`,
      name,
      description: faker.commerce.productDescription(),
      price: Number(faker.commerce.price({ min: 5, max: 400 })),
      currency: 'EUR',
      categories: n === 0 ? [category, 'Featured'] : [category],
      attributes: { brand: faker.company.name() },
    })),
  );
}

function demoContent(faker: Faker): UpsertContentInput[] {
  const kinds = [ContentKind.ARTICLE, ContentKind.VIDEO, ContentKind.GUIDE, ContentKind.PODCAST];
  return Object.keys(CATEGORIES).map((category, n) => ({
    externalId: `demo-content-${n + 1}`,
    title: `${faker.word.adjective({ length: { min: 4, max: 9 } })} ideas: ${category}`,
    kind: kinds[n % kinds.length]!,
    url: `https://example.com/content/${n + 1}`,
    categories: [category],
    attributes: {},
  }));
}

function demoCampaigns(): UpsertCampaignInput[] {
  return CAMPAIGNS.map(([name, channel, status], n) => ({
    externalId: `demo-campaign-${n + 1}`,
    name,
    channel,
    status,
    startsAt: new Date(Date.UTC(2026, n * 2, 1)),
    endsAt: new Date(Date.UTC(2026, n * 2 + 2, 1)),
    attributes: {},
  }));
}
