import { ArrayMaxSize, IsOptional, IsUUID, Length } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';

import { RecommendationSurface } from './recommendation.kinds.js';

@InputType({ description: 'Where the recommendations will be shown, with what it shows.' })
export class RecommendationContextInput {
  @Field(() => RecommendationSurface, { defaultValue: RecommendationSurface.HOMEPAGE })
  surface!: RecommendationSurface;

  @Field(() => ID, { nullable: true, description: 'PRODUCT_PAGE: the product shown.' })
  @IsOptional()
  @IsUUID('all', { message: 'context.productId must be a UUID' })
  productId?: string | null;

  @Field(() => [ID], {
    nullable: true,
    description: 'CART: the products in the cart (at most 100).',
  })
  @IsOptional()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true, message: 'context.cartProductIds must be UUIDs' })
  cartProductIds?: string[] | null;

  @Field(() => String, { nullable: true, description: 'SESSION: the session id sent with events.' })
  @IsOptional()
  @Length(1, 128)
  sessionId?: string | null;

  @Field(() => Date, {
    nullable: true,
    description:
      'SESSION: when the session happens (default: now). Items people choose at that time of day (the hour before to the hour after) in that season (December–February winter, ...) rank higher.',
  })
  @IsOptional()
  at?: Date | null;

  @Field(() => ID, { nullable: true, description: 'FAMILY_GIFT: the relative the gift is for.' })
  @IsOptional()
  @IsUUID('all', { message: 'context.relativeId must be a UUID' })
  relativeId?: string | null;
}
