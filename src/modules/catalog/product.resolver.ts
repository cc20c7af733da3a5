import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';

import type { GraphQLContext } from '../../context.js';
import { readAfter, toConnection } from '../../lib/connection.js';
import { assertBatchSize, assertPageSize, assertUuid } from '../../lib/ids.js';
import { BulkUpsertResult, toBulkUpsertResult } from '../common/bulk.type.js';
import { ProductFilter, UpsertProductInput } from './catalog.inputs.js';
import { upsertProduct, upsertProducts } from './catalog.service.js';
import { Product, ProductConnection } from './catalog.type.js';
import { containsPattern } from './product.store.js';
import type { CatalogDeps } from './catalog.deps.js';

@Resolver(() => Product)
export class ProductResolver {
  constructor(private readonly deps: CatalogDeps) {}

  @Query(() => Product, { nullable: true, description: 'The product with this id, or null.' })
  product(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Product | null> {
    return ctx.loaders.productById.load(assertUuid(id, 'id'));
  }

  @Query(() => Product, { nullable: true, description: 'The product with this SKU, or null.' })
  async productBySku(@Arg('sku', () => String) sku: string): Promise<Product | null> {
    const [product] = await this.deps.products.findBySkus([sku]);
    return product ?? null;
  }

  @Query(() => ProductConnection, { description: 'Products in SKU order, optionally filtered.' })
  async products(
    @Arg('first', () => Int, { description: 'Page size, 1 to 100.' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'Continue after this cursor.' })
    after: string | null,
    @Arg('filter', () => ProductFilter, { nullable: true, description: 'Which products.' })
    filter: ProductFilter | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ProductConnection> {
    const rows = await this.deps.products.listPage({
      first: assertPageSize(first),
      afterSku: readAfter(after, ([key, ...rest]) =>
        typeof key === 'string' && rest.length === 0 ? key : null,
      ),
      category: filter?.category ?? null,
      namePattern: containsPattern(filter?.search),
      updatedSince: filter?.updatedSince ?? null,
    });
    rows.forEach((product) => ctx.loaders.productById.prime(product.id, product));
    return toConnection(rows, first, (product) => [product.sku]);
  }

  @Mutation(() => Product, {
    description: 'Creates a product, or replaces the one with the same SKU (categories too).',
  })
  upsertProduct(
    @Arg('input', () => UpsertProductInput) input: UpsertProductInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Product> {
    return upsertProduct(this.deps, input, ctx.logger);
  }

  @Mutation(() => BulkUpsertResult, {
    description:
      'Upserts up to BATCH_MAX_SIZE products (default 1,000) by SKU, with one result per item: a rejected item writes nothing and never affects the others.',
  })
  async upsertProducts(
    // Validated per item by the service, so one bad item is reported, not fatal to the batch.
    @Arg('input', () => [UpsertProductInput], { validate: false }) input: UpsertProductInput[],
    @Ctx() ctx: GraphQLContext,
  ): Promise<BulkUpsertResult> {
    assertBatchSize(input.length, this.deps.batchMaxSize, 'input');
    const results = await upsertProducts(this.deps, input, ctx.logger);
    return toBulkUpsertResult(results);
  }
}
