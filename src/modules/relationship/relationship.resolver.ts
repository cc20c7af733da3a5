import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';

import type { GraphQLContext } from '../../context.js';
import { assertBatchSize, assertUuid } from '../../lib/ids.js';
import { BulkUpsertResult, toBulkUpsertResult } from '../common/bulk.type.js';
import { LinkRelationshipInput } from './relationship.inputs.js';
import { changeRelationship, linkRelationships } from './relationship.service.js';
import { Relationship, RelationshipChange } from './relationship.type.js';

@Resolver()
export class RelationshipResolver {
  @Mutation(() => RelationshipChange, { description: 'Relates two customers (idempotent).' })
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
      'Relates up to BATCH_MAX_SIZE pairs of customers (default 1,000), idempotently, with one result per item: CREATED once accepted (relating an existing pair again changes nothing), or REJECTED (NOT_FOUND for an unknown customer, BAD_USER_INPUT for a malformed id or a customer related to itself). Results carry no id: a relationship has none of its own.',
  })
  async linkRelationships(
    @Arg('input', () => [LinkRelationshipInput]) input: LinkRelationshipInput[],
    @Ctx() ctx: GraphQLContext,
  ): Promise<BulkUpsertResult> {
    assertBatchSize(input.length, ctx.services.limits.batchMaxSize, 'input');
    const results = await linkRelationships(ctx.services, input, ctx.logger);
    return toBulkUpsertResult(results);
  }

  @Mutation(() => RelationshipChange, {
    description: 'Removes a relationship between two customers (idempotent).',
  })
  unlinkRelationship(
    @Arg('fromId', () => ID) fromId: string,
    @Arg('toId', () => ID) toId: string,
    @Arg('type', () => Relationship) type: Relationship,
    @Ctx() ctx: GraphQLContext,
  ): Promise<RelationshipChange> {
    return this.change(ctx, { fromId, toId, type }, 'unlinked');
  }

  private change(ctx: GraphQLContext, change: RelationshipChange, action: 'linked' | 'unlinked') {
    const checked = {
      ...change,
      fromId: assertUuid(change.fromId, 'fromId'),
      toId: assertUuid(change.toId, 'toId'),
    };
    return changeRelationship(ctx.services, checked, action);
  }
}
