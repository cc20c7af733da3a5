import {
  ArrayMaxSize,
  IsOptional,
  IsUrl,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { JSONObject } from '../../graphql/json.scalar.js';
import { Field, Float, InputType, Int } from 'type-graphql';

import { KeywordList, MAX_KEYWORD_LENGTH, MAX_KEYWORDS } from '../../lib/keywords.js';

import { CampaignChannel, CampaignStatus, ContentKind } from './catalog.kinds.js';

/** numeric(12, 2): ten digits before the point. */
const MAX_PRICE = 9_999_999_999.99;

const KEYWORDS_DESCRIPTION = `Keywords (up to ${MAX_KEYWORDS}, each up to ${MAX_KEYWORD_LENGTH} characters), stored trimmed, lower-cased and each once; they feed customers' derived keywords and recommendations. Replace the old ones; omitted means none.`;

@InputType({ description: 'A product to create, or to replace when its SKU exists.' })
export class UpsertProductInput {
  @Field(() => String, { description: 'The client’s key of the product; 1 to 128 characters.' })
  @Length(1, 128)
  sku!: string;

  @Field(() => String, { description: 'Name to show; 1 to 200 characters.' })
  @Length(1, 200)
  name!: string;

  @Field(() => String, { nullable: true, description: 'Up to 5,000 characters.' })
  @IsOptional()
  @MaxLength(5_000)
  description!: string | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Unit price, 0 or more, rounded to cents; needs `currency`.',
  })
  @IsOptional()
  @Min(0)
  @Max(MAX_PRICE)
  price!: number | null;

  @Field(() => String, { nullable: true, description: 'ISO 4217 code, e.g. EUR.' })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be three capital letters (ISO 4217)' })
  currency!: string | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Category names (up to 20, 1 to 100 characters each); replaces the old ones.',
  })
  @IsOptional()
  @ArrayMaxSize(20)
  @Length(1, 100, { each: true })
  categories!: string[] | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Whether the product can be sold now. Omitted: false when `stockCount` is 0, true otherwise. Given, it is stored as given (true with a `stockCount` of 0 means sold on backorder).',
  })
  inStock!: boolean | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Units in stock, 0 or more; null when the client does not count stock.',
  })
  @IsOptional()
  @Min(0)
  stockCount!: number | null;

  @Field(() => [String], {
    nullable: true,
    description: KEYWORDS_DESCRIPTION,
  })
  @KeywordList()
  keywords!: string[] | null;

  @Field(() => JSONObject, { nullable: true, description: 'Free-form attributes.' })
  attributes!: Record<string, unknown> | null;
}

@InputType({ description: 'A content item to create, or to replace when its external id exists.' })
export class UpsertContentInput {
  @Field(() => String, { description: 'The client’s key of the item; 1 to 128 characters.' })
  @Length(1, 128)
  externalId!: string;

  @Field(() => String, { description: 'Title; 1 to 500 characters.' })
  @Length(1, 500)
  title!: string;

  @Field(() => ContentKind, { description: 'The form of the item.' })
  kind!: ContentKind;

  @Field(() => String, { nullable: true, description: 'An http(s) URL.' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(2_000)
  url!: string | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Category names (up to 20, 1 to 100 characters each); replaces the old ones.',
  })
  @IsOptional()
  @ArrayMaxSize(20)
  @Length(1, 100, { each: true })
  categories!: string[] | null;

  @Field(() => [String], {
    nullable: true,
    description: KEYWORDS_DESCRIPTION,
  })
  @KeywordList()
  keywords!: string[] | null;

  @Field(() => JSONObject, { nullable: true, description: 'Free-form attributes.' })
  attributes!: Record<string, unknown> | null;
}

@InputType({ description: 'A campaign to create, or to replace when its external id exists.' })
export class UpsertCampaignInput {
  @Field(() => String, { description: 'The client’s key of the campaign; 1 to 128 characters.' })
  @Length(1, 128)
  externalId!: string;

  @Field(() => String, { description: 'Name; 1 to 200 characters.' })
  @Length(1, 200)
  name!: string;

  @Field(() => CampaignChannel, { description: 'The channel it reaches people through.' })
  channel!: CampaignChannel;

  @Field(() => CampaignStatus, { nullable: true, description: 'Defaults to DRAFT.' })
  status!: CampaignStatus | null;

  @Field(() => Date, { nullable: true, description: 'When it starts.' })
  startsAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it ends; not before `startsAt`.' })
  endsAt!: Date | null;

  @Field(() => JSONObject, { nullable: true, description: 'Free-form attributes.' })
  attributes!: Record<string, unknown> | null;
}

@InputType({ description: 'Which products to list; every given condition must hold.' })
export class ProductFilter {
  @Field(() => String, { nullable: true, description: 'Only products in this category.' })
  category!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Only products whose name contains this text (case-insensitive).',
  })
  @IsOptional()
  @MaxLength(200)
  search!: string | null;

  @Field(() => Date, { nullable: true, description: 'Only products changed at or after this.' })
  updatedSince!: Date | null;
}

@InputType({ description: 'Which content items to list; every given condition must hold.' })
export class ContentFilter {
  @Field(() => String, { nullable: true, description: 'Only items in this category.' })
  category!: string | null;

  @Field(() => ContentKind, { nullable: true, description: 'Only items of this kind.' })
  kind!: ContentKind | null;

  @Field(() => String, {
    nullable: true,
    description: 'Only items whose title contains this text (case-insensitive).',
  })
  @IsOptional()
  @MaxLength(200)
  search!: string | null;
}

@InputType({ description: 'Which campaigns to list; every given condition must hold.' })
export class CampaignFilter {
  @Field(() => CampaignStatus, { nullable: true, description: 'Only campaigns in this status.' })
  status!: CampaignStatus | null;

  @Field(() => CampaignChannel, { nullable: true, description: 'Only campaigns on this channel.' })
  channel!: CampaignChannel | null;
}
