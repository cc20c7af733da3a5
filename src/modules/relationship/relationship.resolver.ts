import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';

import type { GraphQLContext } from '../../context.js';
import { assertBatchSize, assertUuid } from '../../lib/ids.js';
import { BulkUpsertResult, toBulkUpsertResult } from '../../graphql/bulk.type.js';
import { LinkRelationshipInput } from './relationship.inputs.js';
import {
  changeRelationship,
  changeRelationships,
  type RelationshipAction,
} from './relationship.service.js';
import { RelationshipChange } from './relationship.type.js';
import { Relationship } from './relationship.kinds.js';
import type { RelationshipDeps } from './relationship.deps.js';

@Resolver()
export class RelationshipResolver {
  constructor(private readonly deps: RelationshipDeps) {}

  @Mutation(() => RelationshipChange, {
    description: 'Relates two customers (idempotent); SUPPRESSED when either was erased.',
  })
  linkRelationship(
    @Arg('fromId', () => ID) fromId: string,
    @Arg('toId', () => ID) toId: string,
    @Arg('type', () => Relationship) type: Relationship,
    @Ctx() ctx: GraphQLContext,
  ): Promise<RelationshipChange> {
    return this.change(ctx, { fromId, toId, type }, 'linked');
  }

  @Mutation(() => BulkUpsertResult, {
    description:
      'Relates up to BATCH_MAX_SIZE pairs of customers (default 1,000), idempotently, with one result per item: CREATED once accepted (relating an existing pair again changes nothing), or REJECTED (NOT_FOUND for an unknown customer, SUPPRESSED for an erased one, BAD_USER_INPUT for a malformed id or a customer related to itself). Results carry no id: a relationship has none of its own.',
  })
  async linkRelationships(
    @Arg('input', () => [LinkRelationshipInput]) input: LinkRelationshipInput[],
    @Ctx() ctx: GraphQLContext,
  ): Promise<BulkUpsertResult> {
    assertBatchSize(input.length, this.deps.batchMaxSize, 'input');
    const results = await changeRelationships(this.deps, input, 'linked', ctx.logger);
    // The recorded pair is internal; a bulk result names the item by its index.
    return toBulkUpsertResult(
      results.map(({ pair: _pair, argument: _argument, ...result }) => result),
    );
  }

  @Mutation(() => RelationshipChange, {
    description:
      'Removes a relationship between two customers (idempotent); SUPPRESSED when either was erased.',
  })
  unlinkRelationship(
    @Arg('fromId', () => ID) fromId: string,
    @Arg('toId', () => ID) toId: string,
    @Arg('type', () => Relationship) type: Relationship,
    @Ctx() ctx: GraphQLContext,
  ): Promise<RelationshipChange> {
    return this.change(ctx, { fromId, toId, type }, 'unlinked');
  }

  private change(ctx: GraphQLContext, change: RelationshipChange, action: RelationshipAction) {
    const checked = {
      ...change,
      fromId: assertUuid(change.fromId, 'fromId'),
      toId: assertUuid(change.toId, 'toId'),
    };
    return changeRelationship(this.deps, checked, action, ctx.logger);
  }
}
