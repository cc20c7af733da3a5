import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';

import type { GraphQLContext } from '../../context.js';
import { ErrorCode, GatewayError } from '../../errors.js';
import { readAfter, toConnection } from '../../lib/connection.js';
import { assertBatchSize, assertPageSize, assertUuid, UUID_PATTERN } from '../../lib/ids.js';
import { BulkUpsertResult, toBulkUpsertResult } from '../../graphql/bulk.type.js';
import { CustomerFilter, UpsertCustomerInput } from './customer.inputs.js';
import { Scope } from '../access/access.kinds.js';
import type { PiiMasking } from '../access/pii.masking.js';
import type { IdentityVocabulary } from '../identity/identity.normalize.js';
import type { IdentityKey } from '../identity/identity.store.js';
import { upsertCustomer, upsertCustomers } from './customer.service.js';
import { Customer, CustomerConnection, CustomerOrder } from './customer.type.js';
import type { CustomerDeps } from './customer.deps.js';

@Resolver(() => Customer)
export class CustomerResolver {
  constructor(private readonly deps: CustomerDeps) {}

  @Query(() => Customer, {
    nullable: true,
    description: 'The customer with this id, or null when there is none.',
  })
  customer(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Customer | null> {
    return ctx.loaders.customerById.load(assertUuid(id, 'id'));
  }

  @Query(() => CustomerConnection, {
    description:
      'Customers matching `filter`, a page at a time (Relay cursor connection), newest first by `orderBy`.',
  })
  async customers(
    @Arg('filter', () => CustomerFilter, { nullable: true, description: 'Which customers.' })
    filter: CustomerFilter | null,
    @Arg('first', () => Int, { description: 'Page size, 1 to 100 (required: no unbounded pages).' })
    first: number,
    @Arg('after', () => String, { nullable: true, description: 'Continue after this cursor.' })
    after: string | null,
    @Arg('orderBy', () => CustomerOrder, {
      defaultValue: CustomerOrder.CREATED_DESC,
      description: 'Newest created, or most recently changed, first.',
    })
    orderBy: CustomerOrder,
    @Ctx() ctx: GraphQLContext,
  ): Promise<CustomerConnection> {
    const rows = await this.deps.customers.listPage({
      ...toListConditions(filter, ctx, this.deps.vocabulary, this.deps.masking),
      order: orderBy,
      after: parseAfter(after, orderBy),
      limit: assertPageSize(first) + 1,
    });
    rows
      .slice(0, first)
      .forEach(({ customer }) => ctx.loaders.customerById.prime(customer.id, customer));
    return toConnection(
      rows,
      first,
      (row) => [orderBy, ...row.cursorKey],
      (row) => row.customer,
    );
  }

  @Mutation(() => Customer, {
    description:
      'Creates a customer, or replaces the profile of an existing one; SUPPRESSED when the id, an identity or the e-mail belongs to an erased customer.',
  })
  upsertCustomer(
    @Arg('input', () => UpsertCustomerInput) input: UpsertCustomerInput,
  ): Promise<Customer> {
    return upsertCustomer(this.deps, input);
  }

  @Mutation(() => BulkUpsertResult, {
    description:
      'Creates or replaces up to BATCH_MAX_SIZE profiles (default 1,000) with one result per item; a rejected item is never half-written and never affects the others.',
  })
  async upsertCustomers(
    // Validated per item by the service, so one bad profile is reported, not fatal to the batch.
    @Arg('input', () => [UpsertCustomerInput], { validate: false }) input: UpsertCustomerInput[],
    @Ctx() ctx: GraphQLContext,
  ): Promise<BulkUpsertResult> {
    assertBatchSize(input.length, this.deps.batchMaxSize, 'input');
    const results = await upsertCustomers(this.deps, input, ctx.logger);
    return toBulkUpsertResult(results);
  }
}

function toListConditions(
  filter: CustomerFilter | null,
  ctx: GraphQLContext,
  vocabulary: IdentityVocabulary,
  masking: PiiMasking,
) {
  guardPersonalSearch(filter, ctx, masking);
  let identity: IdentityKey | null = null;
  if (filter?.identity) {
    const key = vocabulary.keyOf(
      filter.identity.type,
      filter.identity.value,
      filter.identity.customType,
    );
    if (!key.ok) {
      throw new GatewayError(ErrorCode.BAD_USER_INPUT, key.reason, {
        extensions: { argument: 'filter.identity' },
      });
    }
    identity = key.key;
  }
  return {
    traits: filter?.traits ?? null,
    identity,
    hasIdentityType: filter?.hasIdentityType ?? null,
    nameContains: filter?.nameContains ?? null,
    createdFrom: filter?.createdFrom ?? null,
    createdTo: filter?.createdTo ?? null,
    updatedFrom: filter?.updatedFrom ?? null,
    updatedTo: filter?.updatedTo ?? null,
  };
}

/**
 * Searching by a personal value answers "is this e-mail / name a customer?" even when the
 * answer is masked, so such filters need the key that may read that value: `READ_PII`.
 */
function guardPersonalSearch(
  filter: CustomerFilter | null,
  ctx: GraphQLContext,
  masking: PiiMasking,
): void {
  const personal =
    (filter?.identity != null &&
      masking.isPersonal('identity', filter.identity.value, filter.identity.type)) ||
    (filter?.traits != null && masking.isPersonal('json', filter.traits)) ||
    filter?.nameContains != null;
  if (personal) {
    ctx.access.require(Scope.READ_PII);
  }
}

/** A cursor is only valid for the order it was made in. */
function parseAfter(
  after: string | null | undefined,
  order: CustomerOrder,
): { orderUs: string; id: string } | null {
  return readAfter(
    after,
    ([madeFor, orderUs, id, ...rest]) =>
      madeFor === order &&
      typeof orderUs === 'string' &&
      /^-?\d+$/.test(orderUs) &&
      typeof id === 'string' &&
      UUID_PATTERN.test(id) &&
      rest.length === 0
        ? { orderUs, id }
        : null,
    'after is not a cursor from this connection and order',
  );
}
