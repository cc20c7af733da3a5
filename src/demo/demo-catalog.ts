import { en, Faker } from '@faker-js/faker';

import type { Logger } from '../logger.js';
import type {
  UpsertCampaignInput,
  UpsertContentInput,
  UpsertProductInput,
} from '../modules/catalog/catalog.inputs.js';
import { CampaignChannel, CampaignStatus, ContentKind } from '../modules/catalog/catalog.kinds.js';
import { bulkUpsert, catalogWriters, type ItemWriter } from '../modules/catalog/catalog.service.js';
import { CampaignStore } from '../modules/catalog/campaign.store.js';
import { targetCampaign } from '../modules/catalog/targeting.service.js';
import type { CustomerWriteDeps } from '../modules/customer/customer.service.js';
import type { TrackEventInput } from '../modules/event/event.inputs.js';
import { EventType } from '../modules/event/event.kinds.js';
import { trackEvents } from '../modules/event/event.service.js';
import { IdentityType } from '../modules/identity/identity.kinds.js';
import type { UpsertItemResult } from '../graphql/bulk.type.js';

/** What the demo writes with: the same dependencies as the mutations'. */
export type DemoWriteDeps = CustomerWriteDeps;

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
 * campaigns, each customer targeted by a campaign or two, and every customer's history of
 * views, carts, purchases and campaign touches, tracked by their e-mail identity. Everything
 * goes through the services the mutations use, so the relay builds the commerce graph.
 */
export async function loadDemoCatalog(
  deps: DemoWriteDeps,
  customers: readonly { id: string; email: string }[],
  logger: Logger,
  seed = 361,
): Promise<void> {
  const faker = new Faker({ locale: [en], seed });
  // Fixed "now", so the same seed gives the same event times on every start.
  faker.setDefaultRefDate(new Date(Date.UTC(2026, 10, 1)));
  const store = async <I extends object>(
    writer: ItemWriter<I, { id: string }>,
    inputs: readonly I[],
    what: string,
  ) => {
    const { results } = await bulkUpsert(deps, inputs, writer, logger);
    assertStored(what, results);
    return results.map((result) => result.id!);
  };
  const products = await store(catalogWriters.product, demoProducts(faker), 'products');
  await store(catalogWriters.content, demoContent(faker), 'content');
  const campaigns = await store(catalogWriters.campaign, demoCampaigns(), 'campaigns');
  const events: TrackEventInput[] = [];
  const targets = new Map<string, string[]>(campaigns.map((id) => [id, []]));
  for (const customer of customers) {
    const touched = faker.helpers.arrayElements(campaigns, { min: 0, max: 2 });
    touched.forEach((campaignId) => targets.get(campaignId)!.push(customer.id));
    for (const [type, properties] of demoHistory(faker, products, touched)) {
      events.push({
        messageId: faker.string.uuid(),
        identity: { type: IdentityType.EMAIL, value: customer.email, customType: null },
        type,
        name: null,
        properties,
        occurredAt: faker.date.recent({ days: 90 }),
        sessionId: null,
        channel: faker.helpers.arrayElement(['web', 'ios', 'android']),
      });
    }
  }
  const targeting = { ...deps, campaigns: new CampaignStore(deps.db) };
  for (const [campaignId, customerIds] of targets) {
    await targetCampaign(targeting, campaignId, customerIds);
  }
  const tracked = await trackEvents(deps, events, logger);
  const rejected = tracked.filter((result) => result.error !== null);
  if (rejected.length > 0) {
    throw new Error(`demo events rejected: ${JSON.stringify(rejected.slice(0, 3))}`);
  }
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

function demoProducts(faker: Faker): UpsertProductInput[] {
  return Object.entries(CATEGORIES).flatMap(([category, names], c) =>
    names.map((name, n) => ({
      sku: `DEMO-${c + 1}${String(n + 1).padStart(2, '0')}`,
      name,
      description: faker.commerce.productDescription(),
      price: Number(faker.commerce.price({ min: 5, max: 400 })),
      currency: 'EUR',
      categories: n === 0 ? [category, 'Featured'] : [category],
      inStock: null,
      stockCount: faker.number.int({ min: 0, max: 40 }),
      keywords: [category, ...name.split(/\s+/)],
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
    keywords: [category],
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

/** The demo is generated to be valid: a rejected item is a bug, not bad luck. */
export function assertStored(what: string, results: readonly UpsertItemResult[]): void {
  const rejected = results.filter((result) => result.error !== null);
  if (rejected.length > 0) {
    throw new Error(`demo ${what} rejected: ${JSON.stringify(rejected.slice(0, 3))}`);
  }
}
