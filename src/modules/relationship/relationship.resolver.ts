import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';

import type { GraphQLContext } from '../../context.js';
import { rethrowFrom } from '../../errors.js';
import { assertUuid } from '../../lib/ids.js';
import { changeRelationship } from './relationship.service.js';
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
    return changeRelationship(ctx.services, checked, action).catch(rethrowFrom('postgres'));
  }
}
