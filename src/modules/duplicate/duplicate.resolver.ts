import {
  Arg,
  Ctx,
  FieldResolver,
  Float,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';

import type { GraphQLContext } from '../../context.js';
import { ErrorCode, GatewayError } from '../../errors.js';
import { readAfter, toConnection } from '../../lib/connection.js';
import { assertPageSize, assertUuid } from '../../lib/ids.js';
import { Scope } from '../access/access.kinds.js';
import { RequireScope } from '../access/access.policy.js';
import { Customer } from '../customer/customer.type.js';
import { toCustomerMerge } from '../identity/merge.resolver.js';
import type { DuplicateDeps } from './duplicate.deps.js';
import {
  acceptSuggestion,
  MIN_STORED_CONFIDENCE,
  rejectSuggestion,
  scanDuplicates,
} from './duplicate.service.js';
import { DuplicateStore, type Suggestion } from './duplicate.store.js';
import {
  AcceptDuplicateSuggestionResult,
  DuplicateScanResult,
  DuplicateSuggestion,
  DuplicateSuggestionConnection,
} from './duplicate.type.js';

function toType(s: Suggestion): DuplicateSuggestion {
  return { ...s, customerIds: [s.customerA, s.customerB] };
}

@Resolver(() => DuplicateSuggestion)
export class DuplicateResolver {
  constructor(private readonly deps: DuplicateDeps) {}

  @Query(() => DuplicateSuggestionConnection, {
    description:
      'Open duplicate suggestions (pairs of current customers, neither decided), most confident first. Refreshed by scanDuplicateSuggestions or `c360 duplicates scan`.',
  })
  async duplicateSuggestions(
    @Arg('first', () => Int) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('minConfidence', () => Float, {
      defaultValue: MIN_STORED_CONFIDENCE,
      description: 'Only pairs at least this confident (0 to 1).',
    })
    minConfidence: number,
  ): Promise<DuplicateSuggestionConnection> {
    assertPageSize(first);
    if (!(minConfidence >= 0 && minConfidence <= 1)) {
      throw new GatewayError(ErrorCode.BAD_USER_INPUT, 'minConfidence must be between 0 and 1', {
        extensions: { argument: 'minConfidence' },
      });
    }
    const position = readAfter(after, ([confidence, id]) =>
      typeof confidence === 'number' && typeof id === 'string' ? { confidence, id } : null,
    );
    const rows = await new DuplicateStore(this.deps.db).listOpen(minConfidence, first, position);
    return toConnection(rows, first, (row) => [row.confidence, row.id], toType);
  }

  @Mutation(() => AcceptDuplicateSuggestionResult, {
    description:
      'Accepts a suggestion: the newer customer is merged into the older, with the suggestion and its evidence kept as the merge’s provenance (undo with unmergeCustomers).',
  })
  async acceptDuplicateSuggestion(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AcceptDuplicateSuggestionResult> {
    const { mergeId } = await acceptSuggestion(
      this.deps,
      assertUuid(id, 'id'),
      ctx.access.viewer?.keyId ?? null,
    );
    const record = (await ctx.loaders.mergeById.load(mergeId))!;
    return { customerId: record.survivorId, merge: toCustomerMerge(record) };
  }

  @Mutation(() => DuplicateSuggestion, {
    description:
      'Rejects a suggestion: the pair is remembered as two people and never suggested again.',
  })
  async rejectDuplicateSuggestion(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<DuplicateSuggestion> {
    return toType(
      await rejectSuggestion(this.deps.db, assertUuid(id, 'id'), ctx.access.viewer?.keyId ?? null),
    );
  }

  @FieldResolver(() => [Customer], {
    description: 'Both customers’ profiles (one request to PostgreSQL for a whole page).',
  })
  async customers(
    @Root() suggestion: DuplicateSuggestion,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Customer[]> {
    const found = await ctx.loaders.customerById.loadMany(suggestion.customerIds);
    return found.filter((c): c is Customer => c instanceof Object && !(c instanceof Error));
  }

  @RequireScope(Scope.ADMIN)
  @Mutation(() => DuplicateScanResult, {
    description:
      'Scans every customer for duplicates now (blocking, a Fellegi–Sunter model fitted by EM, scoring) and replaces the open suggestions. Needs the ADMIN scope; `c360 duplicates scan` does the same.',
  })
  async scanDuplicateSuggestions(): Promise<DuplicateScanResult> {
    return scanDuplicates(this.deps.db, MIN_STORED_CONFIDENCE);
  }
}
