import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';

import type { GraphQLContext } from '../../context.js';
import { readAfter, toConnection } from '../../lib/connection.js';
import { assertPageSize, assertUuid } from '../../lib/ids.js';
import { ContentFilter, UpsertContentInput } from './catalog.inputs.js';
import { catalogWriters } from './catalog.service.js';
import { catalogWritesResolver } from './catalog-writes.resolver.js';
import { Content, ContentConnection } from './catalog.type.js';
import { containsPattern } from './product.store.js';

@Resolver(() => Content)
export class ContentResolver extends catalogWritesResolver({
  type: Content,
  input: UpsertContentInput,
  writer: catalogWriters.content,
  single: 'upsertContent',
  bulk: 'upsertContents',
  one: 'a content item',
  plural: 'content items',
  key: 'external id',
}) {
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
}
