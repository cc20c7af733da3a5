import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';

import type { GraphQLContext } from '../../context.js';
import { readAfter, toConnection } from '../../lib/connection.js';
import { assertBatchSize, assertPageSize, assertUuid } from '../../lib/ids.js';
import { BulkUpsertResult, toBulkUpsertResult } from '../common/bulk.type.js';
import { ContentFilter, UpsertContentInput } from './catalog.inputs.js';
import { upsertContent, upsertContents } from './catalog.service.js';
import { Content, ContentConnection } from './catalog.type.js';
import { containsPattern } from './product.store.js';
import type { CatalogDeps } from './catalog.deps.js';

@Resolver(() => Content)
export class ContentResolver {
  constructor(private readonly deps: CatalogDeps) {}

  @Query(() => Content, { nullable: true, description: 'The content item with this id, or null.' })
  content(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Content | null> {
    return ctx.loaders.contentById.load(assertUuid(id, 'id'));
  }

  @Query(() => ContentConnection, {
    description: 'Content items in external-id order, optionally filtered.',
  })
  async contents(
    @Arg('first', () => Int, { description: 'Page size, 1 to 100.' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'Continue after this cursor.' })
    after: string | null,
    @Arg('filter', () => ContentFilter, { nullable: true, description: 'Which items.' })
    filter: ContentFilter | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ContentConnection> {
    const rows = await this.deps.contents.listPage({
      first: assertPageSize(first),
      afterExternalId: readAfter(after, ([key, ...rest]) =>
        typeof key === 'string' && rest.length === 0 ? key : null,
      ),
      category: filter?.category ?? null,
      kind: filter?.kind ?? null,
      titlePattern: containsPattern(filter?.search),
    });
    rows.forEach((content) => ctx.loaders.contentById.prime(content.id, content));
    return toConnection(rows, first, (content) => [content.externalId]);
  }

  @Mutation(() => Content, {
    description: 'Creates a content item, or replaces the one with the same external id.',
  })
  upsertContent(
    @Arg('input', () => UpsertContentInput) input: UpsertContentInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Content> {
    return upsertContent(this.deps, input, ctx.logger);
  }

  @Mutation(() => BulkUpsertResult, {
    description:
      'Upserts up to BATCH_MAX_SIZE content items (default 1,000) by external id, with one result per item: a rejected item writes nothing and never affects the others.',
  })
  async upsertContents(
    // Validated per item by the service, so one bad item is reported, not fatal to the batch.
    @Arg('input', () => [UpsertContentInput], { validate: false }) input: UpsertContentInput[],
    @Ctx() ctx: GraphQLContext,
  ): Promise<BulkUpsertResult> {
    assertBatchSize(input.length, this.deps.batchMaxSize, 'input');
    const results = await upsertContents(this.deps, input, ctx.logger);
    return toBulkUpsertResult(results);
  }
}
