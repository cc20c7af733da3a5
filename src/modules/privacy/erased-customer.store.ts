import type { Queryable } from '../../datasources/postgres.js';

/**
 * PostgreSQL access to the ids of erased customers (and of those merged into them), which no
 * write may use again. Ids are compared as UUIDs, whatever their case.
 */
export class ErasedCustomerStore {
  constructor(private readonly db: Queryable) {}

  async add(ids: readonly string[]): Promise<void> {
    await this.db.query(
      /* sql */ `/* erasedCustomer.add */
      INSERT INTO erased_customers (customer_id)
      SELECT DISTINCT unnest($1::uuid[])
      ON CONFLICT ON CONSTRAINT erased_customers_pkey DO NOTHING`,
      [ids],
    );
  }

  /** Those of `ids` that named an erased customer, lower-cased; one statement. */
  async findErased(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) {
      return new Set();
    }
    const { rows } = await this.db.query<{ customer_id: string }>(
      /* sql */ `/* erasedCustomer.findErased */
      SELECT customer_id FROM erased_customers WHERE customer_id = ANY($1::uuid[])`,
      [ids],
    );
    return new Set(rows.map((row) => row.customer_id));
  }

  /** Whether any customer was ever erased here. */
  async any(): Promise<boolean> {
    const { rows } = await this.db.query(
      `/* erasedCustomer.any */ SELECT 1 FROM erased_customers LIMIT 1`,
    );
    return rows.length > 0;
  }

  async isErased(id: string): Promise<boolean> {
    return (await this.findErased([id])).size > 0;
  }
}
