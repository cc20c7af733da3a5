import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { CustomerData } from '../access/access.policy.js';
import { InteractionKind } from './interaction.kinds.js';

registerEnumType(InteractionKind, {
  name: 'InteractionKind',
  description:
    'What a customer did with a product or content item, by the event type that records it: VIEWED (view), CARTED (cart_add), CART_REMOVED (cart_remove), WISHLISTED (wishlist_add), PURCHASED (purchase), RECOMMENDED (recommendation_view: shown as a recommendation), CLICKED (recommendation_click).',
});

@CustomerData()
@ObjectType({ description: 'How often, and when, a customer did one thing with one product.' })
export class ProductInteraction {
  @Field(() => InteractionKind, { description: 'What the customer did.' })
  kind!: InteractionKind;

  @Field(() => Int, { description: 'How many times.' })
  count!: number;

  @Field(() => Date, { description: 'The first time.' })
  firstAt!: Date;

  @Field(() => Date, { description: 'The latest time.' })
  lastAt!: Date;

  /** Resolved through the product loader; not a GraphQL field itself. */
  productId!: string;
}

@CustomerData()
@ObjectType({
  description: 'How often, and when, a customer did one thing with one content item.',
})
export class ContentInteraction {
  @Field(() => InteractionKind, { description: 'What the customer did.' })
  kind!: InteractionKind;

  @Field(() => Int, { description: 'How many times.' })
  count!: number;

  @Field(() => Date, { description: 'The first time.' })
  firstAt!: Date;

  @Field(() => Date, { description: 'The latest time.' })
  lastAt!: Date;

  /** Resolved through the content loader; not a GraphQL field itself. */
  contentId!: string;
}

@CustomerData()
@ObjectType({
  description:
    'What a customer did with products and content, from the knowledge graph: per kind, the items with counts and times, most recent first.',
})
export class CustomerInteractions {
  @Field(() => [ProductInteraction], { description: 'Products viewed (`view` events).' })
  viewed!: ProductInteraction[];

  @Field(() => [ProductInteraction], { description: 'Products put in a cart (`cart_add`).' })
  carted!: ProductInteraction[];

  @Field(() => [ProductInteraction], {
    description: 'Products taken out of a cart (`cart_remove`).',
  })
  cartRemoved!: ProductInteraction[];

  @Field(() => [ProductInteraction], {
    description: 'Products put on a wish list (`wishlist_add`).',
  })
  wishlisted!: ProductInteraction[];

  @Field(() => [ProductInteraction], { description: 'Products bought (`purchase` events).' })
  purchased!: ProductInteraction[];

  @Field(() => [ProductInteraction], {
    description: 'Products shown to the customer as recommendations (`recommendation_view`).',
  })
  recommended!: ProductInteraction[];

  @Field(() => [ProductInteraction], {
    description: 'Recommended products the customer clicked (`recommendation_click`).',
  })
  clicked!: ProductInteraction[];

  @Field(() => [ContentInteraction], {
    description:
      'Content items, every kind together (see `kind`), most recent first: up to `first` per kind.',
  })
  content!: ContentInteraction[];
}

@CustomerData()
@ObjectType({ description: 'A campaign that targeted a customer or that they responded to.' })
export class CustomerCampaign {
  @Field(() => Date, {
    nullable: true,
    description: 'When the customer was (last) targeted; null when never.',
  })
  targetedAt!: Date | null;

  @Field(() => Int, { description: 'How many `campaign_touch` events they sent for it.' })
  responses!: number;

  @Field(() => Date, { nullable: true, description: 'Their latest response; null when none.' })
  lastRespondedAt!: Date | null;

  /** Resolved through the campaign loader; not a GraphQL field itself. */
  campaignId!: string;
}
