import { Field, Int, ObjectType } from 'type-graphql';
import { CustomerData } from '../access/access.policy.js';

@CustomerData()
@ObjectType({ description: 'How often, and when, a customer did one thing with one product.' })
export class ProductInteraction {
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
  description:
    'What a customer did with products, from the knowledge graph: per kind, the products with counts and times, most recent first.',
})
export class CustomerInteractions {
  @Field(() => [ProductInteraction], { description: 'Products viewed (`view` events).' })
  viewed!: ProductInteraction[];

  @Field(() => [ProductInteraction], { description: 'Products put in a cart (`cart_add`).' })
  carted!: ProductInteraction[];

  @Field(() => [ProductInteraction], { description: 'Products bought (`purchase` events).' })
  purchased!: ProductInteraction[];
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
