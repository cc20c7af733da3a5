import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';

import type { GraphQLContext } from '../../context.js';
import { assertUuid } from '../../lib/ids.js';
import { Campaign, Content, Product } from '../catalog/catalog.type.js';
import { Customer } from '../customer/customer.type.js';
import { Node } from './node.type.js';

/**
 * Finds whatever holds a UUID. Each finder returns an instance of its GraphQL class (so the
 * interface resolves the concrete type by `instanceof`) or null; the first hit wins, which is
 * safe because ids are unique across kinds.
 */
type NodeFinder = (id: string, ctx: GraphQLContext) => Promise<Node | null>;

const FINDERS: readonly NodeFinder[] = [
  async (id, ctx) => {
    const customer = await ctx.loaders.customerById.load(id);
    return customer && Object.assign(new Customer(), customer);
  },
  async (id, ctx) => {
    const product = await ctx.loaders.productById.load(id);
    return product && Object.assign(new Product(), product);
  },
  async (id, ctx) => {
    const content = await ctx.loaders.contentById.load(id);
    return content && Object.assign(new Content(), content);
  },
  async (id, ctx) => {
    const campaign = await ctx.loaders.campaignById.load(id);
    return campaign && Object.assign(new Campaign(), campaign);
  },
];

@Resolver()
export class NodeResolver {
  @Query(() => Node, {
    nullable: true,
    description:
      'The object with this id, whatever its kind (Relay object identification); null when there is none. A merged customer id answers with the surviving customer.',
  })
  async node(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Node | null> {
    const uuid = assertUuid(id, 'id');
    // Asked together, the loaders of a page of node() fields batch per kind.
    const found = await Promise.all(FINDERS.map((find) => find(uuid, ctx)));
    return found.find((node) => node !== null) ?? null;
  }
}
