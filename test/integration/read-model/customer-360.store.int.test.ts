import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { migrate } from '../../../src/datasources/migrate.js';
import { type Postgres, type Queryable } from '../../../src/datasources/postgres.js';
import { createSilentLogger } from '../../../src/logger.js';
import { Customer360Store } from '../../../src/modules/read-model/customer-360.store.js';
import { createTestDatabase, openTestPostgres, type TestDatabase } from '../../support/database.js';

/**
 * The projector's claim on its own, against PostgreSQL, with a write made to commit at the
 * worst moment: right after the claim's first statement.
 */
describe('Customer360Store.claim', () => {
  let database: TestDatabase;
  let db: Postgres;
  const logger = createSilentLogger();

  before(async () => {
    database = await createTestDatabase();
    db = openTestPostgres(database);
    await migrate(db, logger);
  });

  after(async () => {
    await db?.close();
    await database?.drop();
  });

  /** `db`, but the first statement of each transaction is followed by `between` committing. */
  function interposed(between: () => Promise<void>): Postgres {
    return new Proxy(db, {
      get: (target, property, receiver) =>
        property === 'withTransaction'
          ? <T>(work: (tx: Queryable) => Promise<T>) =>
              target.withTransaction((tx) => {
                let first = true;
                return work({
                  query: async (text, params) => {
                    const result = await tx.query(text, params);
                    if (first) {
                      first = false;
                      await between();
                    }
                    return result as never;
                  },
                });
              })
          : Reflect.get(target, property, receiver),
    });
  }

  it('never leases the mark of a write whose outbox message commits during the claim', async () => {
    const id = randomUUID();
    await db.query(`INSERT INTO customers (id, display_name) VALUES ($1, 'Claimed')`, [id]);
    await db.query(`INSERT INTO customer_360 (customer_id, format, doc) VALUES ($1, 'f', '\\x')`, [
      id,
    ]);
    await db.query('DELETE FROM customer_360_dirty');
    // A write as every write path makes one: its mark and its outbox message in one commit;
    // the relay has not applied it yet, so the graph does not show it.
    const write = async () => {
      await db.withTransaction(async (tx) => {
        await tx.query(`UPDATE customers SET display_name = 'Renamed' WHERE id = $1`, [id]);
        await tx.query(`INSERT INTO outbox (topic, payload) VALUES ('customer.changed', '{}')`);
      });
    };

    const claim = await new Customer360Store(interposed(write)).claim([], 100, false);
    const { rows } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM customer_360_dirty WHERE customer_id = $1',
      [id],
    );

    assert.ok(rows[0]!.n > 0, 'the write marked the document');
    assert.equal(claim.marks.has(id), false, 'its mark waits for the outbox message');
    assert.deepEqual(claim.toBuild, []);
  });
});
