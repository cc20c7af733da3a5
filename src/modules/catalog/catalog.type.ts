import { JSONObject } from '../../graphql/json.scalar.js';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

import { ItemError } from '../../graphql/bulk.type.js';
import { Node } from '../node/node.type.js';
import { PageInfo } from '../../graphql/page-info.type.js';
import { ContentKind, CampaignChannel, CampaignStatus } from './catalog.kinds.js';
import { ItemStatus } from '../../graphql/bulk.kinds.js';

registerEnumType(ContentKind, { name: 'ContentKind', description: 'The form of a content item.' });

registerEnumType(CampaignChannel, {
  name: 'CampaignChannel',
  description: 'The channel a campaign reaches people through.',
});

registerEnumType(CampaignStatus, {
  name: 'CampaignStatus',
  description: 'DRAFT: not sent yet. ACTIVE: running. PAUSED: on hold. ENDED: over.',
});

@ObjectType({ description: 'A category products and content are filed under, by name.' })
export class Category {
  @Field(() => String, { description: 'The category’s name, as the catalog spells it.' })
  name!: string;
}

@ObjectType({ implements: Node, description: 'Something c360’s client sells, keyed by SKU.' })
export class Product implements Node {
  @Field(() => ID, { description: 'c360’s id of the product (a UUID).' })
  id!: string;

  @Field(() => String, { description: 'The client’s stock-keeping unit; unique.' })
  sku!: string;

  @Field(() => String, { description: 'Name to show.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Longer description.' })
  description!: string | null;

  @Field(() => Float, { nullable: true, description: 'Unit price, in `currency`.' })
  price!: number | null;

  @Field(() => String, { nullable: true, description: 'ISO 4217 code of `price`.' })
  currency!: string | null;

  @Field(() => [Category], { description: 'The categories the product is filed under.' })
  categories!: Category[];

  @Field(() => Boolean, { description: 'Whether the product can be sold now.' })
  inStock!: boolean;

  @Field(() => Int, {
    nullable: true,
    description: 'Units in stock; null when the client does not count stock.',
  })
  stockCount!: number | null;

  @Field(() => [String], { description: 'Keywords, normalised (trimmed, lower-case, distinct).' })
  keywords!: string[];

  @Field(() => JSONObject, { description: 'Free-form attributes (brand, size, ...).' })
  attributes!: Record<string, unknown>;

  @Field(() => Date, { description: 'When the product was first stored.' })
  createdAt!: Date;

  @Field(() => Date, { description: 'When the product last changed.' })
  updatedAt!: Date;
}

@ObjectType({ implements: Node, description: 'An article, video, page or mail c360 knows of.' })
export class Content implements Node {
  @Field(() => ID, { description: 'c360’s id of the item (a UUID).' })
  id!: string;

  @Field(() => String, { description: 'The client’s id of the item; unique.' })
  externalId!: string;

  @Field(() => String, { description: 'Title to show.' })
  title!: string;

  @Field(() => ContentKind, { description: 'The form of the item.' })
  kind!: ContentKind;

  @Field(() => String, { nullable: true, description: 'Where it can be read or watched.' })
  url!: string | null;

  @Field(() => [Category], { description: 'The categories the item is filed under.' })
  categories!: Category[];

  @Field(() => [String], { description: 'Keywords, normalised (trimmed, lower-case, distinct).' })
  keywords!: string[];

  @Field(() => JSONObject, { description: 'Free-form attributes.' })
  attributes!: Record<string, unknown>;

  @Field(() => Date, { description: 'When the item was first stored.' })
  createdAt!: Date;

  @Field(() => Date, { description: 'When the item last changed.' })
  updatedAt!: Date;
}

@ObjectType({ implements: Node, description: 'A marketing campaign, keyed by the client’s id.' })
export class Campaign implements Node {
  @Field(() => ID, { description: 'c360’s id of the campaign (a UUID).' })
  id!: string;

  @Field(() => String, { description: 'The client’s id of the campaign; unique.' })
  externalId!: string;

  @Field(() => String, { description: 'Name to show.' })
  name!: string;

  @Field(() => CampaignChannel, { description: 'The channel it reaches people through.' })
  channel!: CampaignChannel;

  @Field(() => CampaignStatus, { description: 'Where the campaign is in its life.' })
  status!: CampaignStatus;

  @Field(() => Date, { nullable: true, description: 'When it starts (or started).' })
  startsAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it ends (or ended).' })
  endsAt!: Date | null;

  @Field(() => JSONObject, { description: 'Free-form attributes (budget, audience, ...).' })
  attributes!: Record<string, unknown>;

  @Field(() => Date, { description: 'When the campaign was first stored.' })
  createdAt!: Date;

  @Field(() => Date, { description: 'When the campaign last changed.' })
  updatedAt!: Date;
}

@ObjectType({ description: 'A product and its cursor.' })
export class ProductEdge {
  @Field(() => String, { description: 'Pass as `after` to continue after this product.' })
  cursor!: string;

  @Field(() => Product, { description: 'The product.' })
  node!: Product;
}

@ObjectType({ description: 'A page of products, in SKU order.' })
export class ProductConnection {
  @Field(() => [ProductEdge], { description: 'The products of this page.' })
  edges!: ProductEdge[];

  @Field(() => PageInfo, { description: 'Whether more products follow.' })
  pageInfo!: PageInfo;
}

@ObjectType({ description: 'A content item and its cursor.' })
export class ContentEdge {
  @Field(() => String, { description: 'Pass as `after` to continue after this item.' })
  cursor!: string;

  @Field(() => Content, { description: 'The content item.' })
  node!: Content;
}

@ObjectType({ description: 'A page of content items, in external-id order.' })
export class ContentConnection {
  @Field(() => [ContentEdge], { description: 'The items of this page.' })
  edges!: ContentEdge[];

  @Field(() => PageInfo, { description: 'Whether more items follow.' })
  pageInfo!: PageInfo;
}

@ObjectType({ description: 'A campaign and its cursor.' })
export class CampaignEdge {
  @Field(() => String, { description: 'Pass as `after` to continue after this campaign.' })
  cursor!: string;

  @Field(() => Campaign, { description: 'The campaign.' })
  node!: Campaign;
}

@ObjectType({ description: 'A page of campaigns, in external-id order.' })
export class CampaignConnection {
  @Field(() => [CampaignEdge], { description: 'The campaigns of this page.' })
  edges!: CampaignEdge[];

  @Field(() => PageInfo, { description: 'Whether more campaigns follow.' })
  pageInfo!: PageInfo;
}

@ObjectType({ description: 'The outcome of targeting one customer.' })
export class TargetItemResult {
  @Field(() => Int, { description: 'Position of the id in `customerIds`.' })
  index!: number;

  @Field(() => ItemStatus, { description: 'CREATED (targeted) or REJECTED.' })
  status!: ItemStatus;

  @Field(() => ID, {
    nullable: true,
    description: 'The customer targeted (the survivor, for an id merged into another).',
  })
  customerId!: string | null;

  @Field(() => ItemError, {
    nullable: true,
    description: 'Why the id was rejected (NOT_FOUND, SUPPRESSED, BAD_USER_INPUT).',
  })
  error!: ItemError | null;
}

@ObjectType({
  description:
    'The outcome of targetCampaign. The graph follows through the outbox, normally within milliseconds.',
})
export class TargetCampaignResult {
  @Field(() => ID, { description: 'The campaign.' })
  campaignId!: string;

  @Field(() => Int, { description: 'Customers targeted (status CREATED).' })
  created!: number;

  @Field(() => Int, { description: 'Ids rejected.' })
  rejected!: number;

  @Field(() => [TargetItemResult], { description: 'One result per id, in request order.' })
  results!: TargetItemResult[];
}
