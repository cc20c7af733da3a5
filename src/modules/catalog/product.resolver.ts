import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';

import type { GraphQLContext } from '../../context.js';
import { readAfter, toConnection } from '../../lib/connection.js';
import { assertPageSize, assertUuid } from '../../lib/ids.js';
import { ProductFilter, UpsertProductInput } from './catalog.inputs.js';
import { catalogWriters } from './catalog.service.js';
import { catalogWritesResolver } from './catalog-writes.resolver.js';
import { Product, ProductConnection } from './catalog.type.js';
import { containsPattern } from './product.store.js';

@Resolver(() => Product)
export class ProductResolver extends catalogWritesResolver({
  type: Product,
  input: UpsertProductInput,
  writer: catalogWriters.product,
  single: 'upsertProduct',
  bulk: 'upsertProducts',
  one: 'a product',
  plural: 'products',
  key: 'SKU',
}) {
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
}
