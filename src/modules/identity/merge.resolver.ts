import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
} from 'type-graphql';

import type { GraphQLContext } from '../../context.js';
import { assertUuid } from '../../lib/ids.js';
import { CustomerData } from '../access/access.policy.js';
import { customerRefResolver } from '../customer/customer-ref.resolver.js';
import { Customer } from '../customer/customer.type.js';
import type { IdentityDeps } from './identity.deps.js';
import type { MergeRecord } from './merge-record.store.js';
import { CustomerMerge, type MatchEvidence, type UnmergeReport } from './merge.type.js';
import { unmergeCustomers } from './unmerge.service.js';

/** A stored merge record as the schema shows it. */
export function toCustomerMerge(record: MergeRecord): CustomerMerge {
  return {
    ...record,
    evidence: Array.isArray(record.evidence) ? (record.evidence as MatchEvidence[]) : [],
    undoReport: (record.undoReport as UnmergeReport | null) ?? null,
  };
}

@CustomerData()
@ObjectType({ description: 'An undone merge: the customer restored, and what went where.' })
export class UnmergeResult {
  @Field(() => ID, { description: 'The customer that exists again (the merged id).' })
  customerId!: string;

  @Field(() => ID, { description: 'The customer that had survived the merge.' })
  survivorId!: string;

  @Field(() => CustomerMerge, { description: 'The merge, now marked undone.' })
  merge!: CustomerMerge;
}

@Resolver(() => Customer)
export class MergeResolver {
  constructor(private readonly deps: IdentityDeps) {}

  @Query(() => CustomerMerge, {
    nullable: true,
    description: 'One merge with its provenance (cause, evidence, key, time), or null.',
  })
  async merge(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<CustomerMerge | null> {
    const record = await ctx.loaders.mergeById.load(assertUuid(id, 'id'));
    return record === null ? null : toCustomerMerge(record);
  }

  @Mutation(() => UnmergeResult, {
    description:
      'Undoes a merge: the merged customer comes back with its profile, identities, events and consents, in every store; events that arrived later in its sessions go with it. MERGE_NOT_REVERSIBLE (nothing written) when undone already, a side was erased since, or the survivor was merged on since.',
  })
  async unmergeCustomers(
    @Arg('mergeId', () => ID) mergeId: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<UnmergeResult> {
    const { record } = await unmergeCustomers(
      this.deps,
      assertUuid(mergeId, 'mergeId'),
      ctx.access.viewer?.keyId ?? null,
    );
    return {
      customerId: record.mergedId,
      survivorId: record.survivorId,
      merge: toCustomerMerge(record),
    };
  }

  @FieldResolver(() => [CustomerMerge], {
    description: 'Merges this customer took part in (as survivor or merged), newest first.',
  })
  async merges(@Root() customer: Customer, @Ctx() ctx: GraphQLContext): Promise<CustomerMerge[]> {
    return (await ctx.loaders.mergesByCustomerId.load(customer.id)).map(toCustomerMerge);
  }
}

export const UnmergeResultResolver = customerRefResolver(
  UnmergeResult,
  'The restored customer’s profile.',
);
