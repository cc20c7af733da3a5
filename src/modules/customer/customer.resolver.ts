import {
  Arg,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';

import { clearLoaders, type GraphQLContext } from '../../context.js';
import { rethrowFrom } from '../../errors.js';
import { assertPageSize, assertUuid } from '../../lib/ids.js';
import { type CustomerUpdatedPayload, Topic } from '../../subscriptions/topics.js';
import { UpsertCustomerInput } from './customer.inputs.js';
import { upsertCustomer } from './customer.service.js';
import { Customer, CustomerUpdated, Relative, SimilarCustomer } from './customer.type.js';

@Resolver(() => Customer)
export class CustomerResolver {
  @Query(() => Customer, {
    nullable: true,
    description: 'The customer with this id, or null when there is none.',
  })
  customer(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Customer | null> {
    return ctx.loaders.customerById.load(assertUuid(id, 'id'));
  }

  @Query(() => [Customer], { description: 'The most recently created customers, newest first.' })
  async customers(
    @Arg('first', () => Int, { defaultValue: 10, description: 'How many, 1 to 100.' })
    first: number,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Customer[]> {
    const customers = await ctx.services.customers
      .listRecent(assertPageSize(first))
      .catch(rethrowFrom('postgres'));
    customers.forEach((customer) => ctx.loaders.customerById.prime(customer.id, customer));
    return customers;
  }

  @FieldResolver(() => [Relative], {
    nullable: true,
    description:
      'Spouse, parents, children and siblings, from the relationship graph. Null, with a NEO4J_UNAVAILABLE error, while the graph cannot answer.',
  })
  async family(@Root() customer: Customer, @Ctx() ctx: GraphQLContext): Promise<Relative[]> {
    const records = await ctx.loaders.relativesByCustomerId.load(customer.id);
    return records.map((record) => ({ relation: record.relation, customerId: record.relativeId }));
  }

  @FieldResolver(() => [SimilarCustomer], {
    nullable: true,
    description:
      'Customers with the most similar interests (pgvector nearest neighbours). Null, with an error, while PostgreSQL cannot answer.',
  })
  async similarCustomers(
    @Root() customer: Customer,
    @Arg('first', () => Int, { defaultValue: 5, description: 'How many, 1 to 100.' }) first: number,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SimilarCustomer[]> {
    const rows = await ctx.loaders.similarByCustomerId.load({
      customerId: customer.id,
      first: assertPageSize(first),
    });
    return rows.map((row) => ({ customerId: row.similarId, score: row.score }));
  }

  @Mutation(() => Customer, {
    description: 'Creates a customer, or replaces the profile of an existing one.',
  })
  upsertCustomer(
    @Arg('input', () => UpsertCustomerInput) input: UpsertCustomerInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Customer> {
    return upsertCustomer(ctx.services, input).catch(rethrowFrom('postgres'));
  }

  @Subscription(() => CustomerUpdated, {
    topics: Topic.CustomerUpdated,
    filter: ({
      payload,
      args,
    }: {
      payload: CustomerUpdatedPayload;
      args: { id?: string | null };
    }) => args.id == null || payload.customerId === args.id.toLowerCase(),
    description: 'Every change to a customer profile, or only to the customer with `id`.',
  })
  customerUpdated(
    @Root() payload: CustomerUpdatedPayload,
    @Arg('id', () => ID, { nullable: true, description: 'Only this customer.' }) _id: string | null,
    @Ctx() ctx: GraphQLContext,
  ): CustomerUpdated {
    // A subscription keeps one context for its whole life; drop rows cached by earlier events.
    clearLoaders(ctx);
    return { customerId: payload.customerId, updatedAt: new Date(payload.updatedAt) };
  }
}
