import type { Queryable } from '../../datasources/postgres.js';
import { ErrorCode, GatewayError } from '../../errors.js';
import { normalizeKeywords } from '../../lib/keywords.js';
import { inSavepoint } from '../../lib/savepoint.js';
import { validationFailure } from '../../lib/validation.js';
import type { Logger } from '../../logger.js';
import type { WriteDeps } from '../module.js';
import { OutboxStore } from '../../outbox/outbox.store.js';
import { type UpsertItemResult } from '../../graphql/bulk.type.js';
import { itemFailure, ItemStatus } from '../../graphql/bulk.kinds.js';
import { CampaignStore } from './campaign.store.js';
import { CampaignUpserted, ContentUpserted, ProductUpserted } from './catalog.topics.js';
import type {
  UpsertCampaignInput,
  UpsertContentInput,
  UpsertProductInput,
} from './catalog.inputs.js';
import { type Campaign, type Content, type Product } from './catalog.type.js';
import { CampaignStatus } from './catalog.kinds.js';
import { ContentStore } from './content.store.js';
import { ProductStore } from './product.store.js';

/** What catalog writes need: a transaction, and the relay's doorbell after commit. */
export type CatalogWriteDeps = WriteDeps;

/** How one kind of catalog item is checked and written (with its outbox message). */
export interface ItemWriter<I, T extends { id: string }> {
  /** Checks beyond the input's class-validator rules; returns what is wrong, or null. */
  check(input: I): string | null;
  write(tx: Queryable, input: I): Promise<{ item: T; created: boolean }>;
}

/**
 * Upserts items one by one in one transaction, each under its own savepoint, so an item that
 * fails is rolled back alone and reported REJECTED while the others are stored. Items that
 * fail validation are rejected before anything is written. Each stored item adds its outbox
 * message in its savepoint, so the graph learns exactly what PostgreSQL kept.
 *
 * @returns one result per input, in order, and the stored items by index.
 * @throws GatewayError POSTGRES_UNAVAILABLE when PostgreSQL itself cannot answer.
 */
export async function bulkUpsert<I extends object, T extends { id: string }>(
  deps: CatalogWriteDeps,
  inputs: readonly I[],
  writer: ItemWriter<I, T>,
  logger: Logger,
): Promise<{ results: UpsertItemResult[]; items: Map<number, T> }> {
  const results: UpsertItemResult[] = inputs.map((input, index) => {
    const reason = validationFailure(input) ?? writer.check(input);
    return {
      index,
      status: ItemStatus.REJECTED,
      id: null,
      error: reason === null ? null : { code: ErrorCode.BAD_USER_INPUT, message: reason },
    };
  });
  const items = new Map<number, T>();
  const valid = results.filter((r) => r.error === null);
  if (valid.length > 0) {
    await deps.db.withTransaction(async (tx) => {
      for (const result of valid) {
        try {
          const { item, created } = await inSavepoint(tx, () =>
            writer.write(tx, inputs[result.index]!),
          );
          Object.assign(result, {
            id: item.id,
            status: created ? ItemStatus.CREATED : ItemStatus.UPDATED,
          });
          items.set(result.index, item);
        } catch (error) {
          result.error = itemFailure(error, 'item', logger, result.index);
        }
      }
    });
    deps.relay.wake();
  }
  return { results, items };
}

/**
 * Upserts one item: a bad one is a BAD_USER_INPUT (or INTERNAL_SERVER_ERROR) error instead of
 * a result.
 */
export async function upsertOne<I extends object, T extends { id: string }>(
  deps: CatalogWriteDeps,
  input: I,
  writer: ItemWriter<I, T>,
  logger: Logger,
): Promise<T> {
  const { results, items } = await bulkUpsert(deps, [input], writer, logger);
  const item = items.get(0);
  if (item === undefined) {
    const error = results[0]!.error!;
    throw new GatewayError(error.code, error.message, {
      extensions: { argument: 'input' },
    });
  }
  return item;
}

const productWriter: ItemWriter<UpsertProductInput, Product> = {
  check: (input) =>
    input.price !== null && input.price !== undefined && !input.currency
      ? 'currency is required with a price'
      : null,
  async write(tx, input) {
    const { product, created } = await new ProductStore(tx).upsert({
      sku: input.sku,
      name: input.name,
      description: input.description ?? null,
      price: input.price ?? null,
      currency: input.currency ?? null,
      categories: uniqueCategories(input.categories),
      ...availability(input),
      keywords: normalizeKeywords(input.keywords),
      attributes: input.attributes ?? {},
    });
    await new OutboxStore(tx).add([
      ProductUpserted.message({
        id: product.id,
        sku: product.sku,
        name: product.name,
        categories: product.categories.map((c) => c.name),
      }),
    ]);
    return { item: product, created };
  },
};

const contentWriter: ItemWriter<UpsertContentInput, Content> = {
  check: () => null,
  async write(tx, input) {
    const { content, created } = await new ContentStore(tx).upsert({
      externalId: input.externalId,
      title: input.title,
      kind: input.kind,
      url: input.url ?? null,
      categories: uniqueCategories(input.categories),
      keywords: normalizeKeywords(input.keywords),
      attributes: input.attributes ?? {},
    });
    await new OutboxStore(tx).add([
      ContentUpserted.message({
        id: content.id,
        title: content.title,
        categories: content.categories.map((c) => c.name),
      }),
    ]);
    return { item: content, created };
  },
};

const campaignWriter: ItemWriter<UpsertCampaignInput, Campaign> = {
  check: (input) => {
    if (isInvalidDate(input.startsAt) || isInvalidDate(input.endsAt)) {
      return 'startsAt and endsAt must be valid date-times';
    }
    return input.startsAt && input.endsAt && input.endsAt < input.startsAt
      ? 'endsAt must not be before startsAt'
      : null;
  },
  async write(tx, input) {
    const { campaign, created } = await new CampaignStore(tx).upsert({
      externalId: input.externalId,
      name: input.name,
      channel: input.channel,
      status: input.status ?? CampaignStatus.DRAFT,
      startsAt: input.startsAt ?? null,
      endsAt: input.endsAt ?? null,
      attributes: input.attributes ?? {},
    });
    await new OutboxStore(tx).add([
      CampaignUpserted.message({ id: campaign.id, name: campaign.name }),
    ]);
    return { item: campaign, created };
  },
};

/** How each catalog kind is checked and written (with its outbox message). */
export const catalogWriters = {
  product: productWriter,
  content: contentWriter,
  campaign: campaignWriter,
};

/**
 * Whether a product is in stock: as the client says, else derived from the stock count (none
 * left: not in stock; not counted: in stock). An explicit `inStock: true` with a count of 0 is
 * kept, for products sold on backorder.
 */
function availability(input: UpsertProductInput): { inStock: boolean; stockCount: number | null } {
  const stockCount = input.stockCount ?? null;
  return { inStock: input.inStock ?? stockCount !== 0, stockCount };
}

function uniqueCategories(categories: readonly string[] | null | undefined): string[] {
  return [...new Set((categories ?? []).map((name) => name.trim()).filter((name) => name !== ''))];
}

function isInvalidDate(value: Date | null | undefined): boolean {
  return value !== null && value !== undefined && Number.isNaN(value.getTime());
}
