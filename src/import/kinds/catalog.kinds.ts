import {
  CampaignChannel,
  CampaignStatus,
  ContentKind,
} from '../../modules/catalog/catalog.kinds.js';
import {
  enumName,
  type JsonRecord,
  nestCells,
  optionalBoolean,
  optionalDateTime,
  optionalInteger,
  optionalNameList,
  optionalObject,
  optionalText,
  requiredEnumName,
  requiredText,
  RowError,
} from '../import.fields.js';
import { bulkUpsertKind } from '../import.kind.js';

/*
 * Catalog rows are keyed by the client's own key (sku, externalId), so a re-sent row updates
 * the record it created. CSV: `categories` holds names separated by `|` (MovieLens' genres
 * column reads as is); `attributes.*` columns fill the attributes object.
 */

/** Products -> `upsertProducts`. */
export const productsKind = bulkUpsertKind({
  name: 'products',
  mutation: 'upsertProducts',
  inputType: 'UpsertProductInput',
  fromJson: (record) => ({
    sku: requiredText(record, 'sku', 128),
    name: requiredText(record, 'name', 200),
    description: optionalText(record, 'description', 5_000),
    price: optionalNumber(record, 'price'),
    currency: optionalText(record, 'currency', 3),
    categories: optionalNameList(record, 'categories'),
    inStock: optionalBoolean(record, 'inStock'),
    stockCount: optionalInteger(record, 'stockCount'),
    keywords: optionalNameList(record, 'keywords'),
    attributes: optionalObject(record, 'attributes'),
  }),
  fromCsv: (cells) =>
    productsKind.fromJson(
      nestCells(
        cells,
        [
          'sku',
          'name',
          'description',
          'price',
          'currency',
          'categories',
          'inStock',
          'stockCount',
          'keywords',
        ],
        ['attributes'],
      ),
    ),
});

/** Content -> `upsertContents`. */
export const contentKind = bulkUpsertKind({
  name: 'content',
  mutation: 'upsertContents',
  inputType: 'UpsertContentInput',
  fromJson: (record) => ({
    externalId: requiredText(record, 'externalId', 128),
    title: requiredText(record, 'title', 500),
    kind: requiredEnumName(record, 'kind', Object.keys(ContentKind)),
    url: optionalText(record, 'url', 2_000),
    categories: optionalNameList(record, 'categories'),
    keywords: optionalNameList(record, 'keywords'),
    attributes: optionalObject(record, 'attributes'),
  }),
  fromCsv: (cells) =>
    contentKind.fromJson(
      nestCells(
        cells,
        ['externalId', 'title', 'kind', 'url', 'categories', 'keywords'],
        ['attributes'],
      ),
    ),
});

/** Campaigns -> `upsertCampaigns`. */
export const campaignsKind = bulkUpsertKind({
  name: 'campaigns',
  mutation: 'upsertCampaigns',
  inputType: 'UpsertCampaignInput',
  fromJson: (record) => ({
    externalId: requiredText(record, 'externalId', 128),
    name: requiredText(record, 'name', 200),
    channel: requiredEnumName(record, 'channel', Object.keys(CampaignChannel)),
    status: enumName(record, 'status', Object.keys(CampaignStatus)),
    startsAt: optionalDateTime(record, 'startsAt'),
    endsAt: optionalDateTime(record, 'endsAt'),
    attributes: optionalObject(record, 'attributes'),
  }),
  fromCsv: (cells) =>
    campaignsKind.fromJson(
      nestCells(
        cells,
        ['externalId', 'name', 'channel', 'status', 'startsAt', 'endsAt'],
        ['attributes'],
      ),
    ),
});

function optionalNumber(record: JsonRecord, field: string): number | null {
  const value = record[field];
  if (value === undefined || value === null || value === '') {
    return null;
  }
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(number)) {
    throw new RowError(`${field} must be a number`);
  }
  return number;
}
