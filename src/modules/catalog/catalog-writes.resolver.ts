import { Arg, type ClassType, Ctx, Mutation, Resolver } from 'type-graphql';

import type { GraphQLContext } from '../../context.js';
import { assertBatchSize } from '../../lib/ids.js';
import { BulkUpsertResult, toBulkUpsertResult } from '../../graphql/bulk.type.js';
import type { CatalogDeps } from './catalog.deps.js';
import { bulkUpsert, type ItemWriter, upsertOne } from './catalog.service.js';

/** One catalog kind's write mutations: names, GraphQL classes, and how its items are stored. */
export interface CatalogKindWrites<I extends object, T extends { id: string }> {
  type: ClassType<T>;
  input: ClassType<I>;
  writer: ItemWriter<I, T>;
  /** e.g. `upsertProduct` and `upsertProducts`. */
  single: string;
  bulk: string;
  /** For the descriptions: one item (`a product`), many (`products`), the key it is upserted by. */
  one: string;
  plural: string;
  key: string;
}

/**
 * The base of a catalog kind's resolver: `upsert<Kind>` and `upsert<Kinds>`, the same for
 * products, content and campaigns but for names and types (type-graphql's resolver
 * inheritance; the subclass adds the kind's queries).
 */
export function catalogWritesResolver<I extends object, T extends { id: string }>(
  kind: CatalogKindWrites<I, T>,
) {
  // Not listed in any module: its mutations are registered through each subclass.
  @Resolver()
  abstract class CatalogWritesResolver {
    constructor(protected readonly deps: CatalogDeps) {}

    @Mutation(() => kind.type, {
      name: kind.single,
      description: `Creates ${kind.one}, or replaces the one with the same ${kind.key}; a bad item is a BAD_USER_INPUT error.`,
    })
    upsertOne(@Arg('input', () => kind.input) input: I, @Ctx() ctx: GraphQLContext): Promise<T> {
      return upsertOne(this.deps, input, kind.writer, ctx.logger);
    }

    @Mutation(() => BulkUpsertResult, {
      name: kind.bulk,
      description: `Upserts up to BATCH_MAX_SIZE ${kind.plural} (default 1,000) by ${kind.key}, with one result per item: a rejected item writes nothing and never affects the others.`,
    })
    async upsertMany(
      // Validated per item by the service, so one bad item is reported, not fatal to the batch.
      @Arg('input', () => [kind.input], { validate: false }) input: I[],
      @Ctx() ctx: GraphQLContext,
    ): Promise<BulkUpsertResult> {
      assertBatchSize(input.length, this.deps.batchMaxSize, 'input');
      const { results } = await bulkUpsert(this.deps, input, kind.writer, ctx.logger);
      return toBulkUpsertResult(results);
    }
  }
  return CatalogWritesResolver;
}
