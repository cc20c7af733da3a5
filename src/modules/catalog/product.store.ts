import type { Queryable } from '../../datasources/postgres.js';
import type { Product } from './catalog.type.js';

interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string | null;
  price: string | null;
  currency: string | null;
  categories: string[];
  in_stock: boolean;
  stock_count: number | null;
  keywords: string[];
  attributes: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

export interface ProductWrite {
  sku: string;
  name: string;
  description: string | null;
  price: number | null;
  currency: string | null;
  categories: string[];
  inStock: boolean;
  stockCount: number | null;
  keywords: string[];
  attributes: Record<string, unknown>;
}

/** A page request: products after `afterSku`, in SKU order. */
export interface ProductPageQuery {
  first: number;
  afterSku: string | null;
  category: string | null;
  /** Already a LIKE pattern (see {@link containsPattern}). */
  namePattern: string | null;
  updatedSince: Date | null;
}

const COLUMNS =
  'id, sku, name, description, price::text AS price, currency, categories, in_stock, stock_count, keywords, attributes, created_at, updated_at';

/** PostgreSQL access for products. */
export class ProductStore {
  constructor(private readonly db: Queryable) {}

  async findByIds(ids: readonly string[]): Promise<Product[]> {
    const { rows } = await this.db.query<ProductRow>(
      /* sql */ `/* product.findByIds */
      SELECT ${COLUMNS} FROM products WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return rows.map(toProduct);
  }

  async findBySkus(skus: readonly string[]): Promise<Product[]> {
    const { rows } = await this.db.query<ProductRow>(
      /* sql */ `/* product.findBySkus */
      SELECT ${COLUMNS} FROM products WHERE sku = ANY($1::text[])`,
      [skus],
    );
    return rows.map(toProduct);
  }

  /** One page plus one row, so the caller can tell whether more follow. */
  async listPage(page: ProductPageQuery): Promise<Product[]> {
    const { rows } = await this.db.query<ProductRow>(
      /* sql */ `/* product.listPage */
      SELECT ${COLUMNS} FROM products
      WHERE ($2::text IS NULL OR sku > $2)
        AND ($3::text IS NULL OR categories @> ARRAY[$3::text])
        AND ($4::text IS NULL OR name ILIKE $4)
        AND ($5::timestamptz IS NULL OR updated_at >= $5)
      ORDER BY sku
      LIMIT $1`,
      [page.first + 1, page.afterSku, page.category, page.namePattern, page.updatedSince],
    );
    return rows.map(toProduct);
  }

  /** Inserts or replaces the product with this SKU; says which it did. */
  async upsert(write: ProductWrite): Promise<{ product: Product; created: boolean }> {
    const { rows } = await this.db.query<ProductRow & { created: boolean }>(
      /* sql */ `/* product.upsert */
      INSERT INTO products (sku, name, description, price, currency, categories, in_stock,
                            stock_count, keywords, attributes)
      VALUES ($1, $2, $3, $4, $5, $6::text[], $7, $8, $9::text[], $10::jsonb)
      ON CONFLICT ON CONSTRAINT products_sku_key DO UPDATE
        SET name = EXCLUDED.name, description = EXCLUDED.description, price = EXCLUDED.price,
            currency = EXCLUDED.currency, categories = EXCLUDED.categories,
            in_stock = EXCLUDED.in_stock, stock_count = EXCLUDED.stock_count,
            keywords = EXCLUDED.keywords, attributes = EXCLUDED.attributes, updated_at = now()
      RETURNING ${COLUMNS}, (xmax = 0) AS created`,
      [
        write.sku,
        write.name,
        write.description,
        write.price,
        write.currency,
        write.categories,
        write.inStock,
        write.stockCount,
        write.keywords,
        JSON.stringify(write.attributes),
      ],
    );
    const row = rows[0]!;
    return { product: toProduct(row), created: row.created };
  }
}

/** A case-insensitive "contains" LIKE pattern, with the user's own wildcards taken literally. */
export function containsPattern(text: string | null | undefined): string | null {
  if (text === null || text === undefined || text === '') {
    return null;
  }
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function toProduct(row: ProductRow): Product {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    price: row.price === null ? null : Number(row.price),
    currency: row.currency,
    categories: row.categories.map((name) => ({ name })),
    inStock: row.in_stock,
    stockCount: row.stock_count,
    keywords: row.keywords,
    attributes: row.attributes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
