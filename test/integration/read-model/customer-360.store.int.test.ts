import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { migrate } from '../../../src/datasources/migrate.js';
import { type Postgres } from '../../../src/datasources/postgres.js';
import { createSilentLogger } from '../../../src/logger.js';
import { Customer360Store } from '../../../src/modules/read-model/customer-360.store.js';
import { createTestDatabase, openTestPostgres, type TestDatabase } from '../../support/database.js';

/**
 * The projector's claim and commit on their own, against PostgreSQL, with a write made to
 * commit at the worst moment.
 */
describe('Customer360Store', () => {
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

  /** A customer with a stored document, the outbox drained and no marks anywhere. */
  async function documented(name: string): Promise<string> {
    const id = randomUUID();
    await db.query(`INSERT INTO customers (id, display_name) VALUES ($1, $2)`, [id, name]);
    await db.query(`INSERT INTO customer_360 (customer_id, format, doc) VALUES ($1, 'f', 'old')`, [
      id,
    ]);
    await db.query('DELETE FROM outbox');
    await db.query('DELETE FROM customer_360_dirty');
    return id;
  }

  async function product(name: string): Promise<string> {
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO products (sku, name) VALUES ($1, $2) RETURNING id`,
      [randomUUID(), name],
    );
    return rows[0]!.id;
  }

  /** Claims the customer's mark (its own write), as a pass does before it builds. */
  async function claimRebuild(store: Customer360Store, id: string) {
    await db.query('INSERT INTO customer_360_dirty (customer_id) VALUES ($1)', [id]);
    const claim = await store.claim([], 100, false);
    assert.deepEqual(claim.toBuild, [id]);
    return claim;
  }

  const rebuilt = (customerId: string, refs: string[]) => [
    { customerId, built: { doc: Buffer.from('new'), refs } },
  ];

  async function storedDoc(id: string): Promise<string> {
    const { rows } = await db.query<{ doc: Buffer }>(
      'SELECT doc FROM customer_360 WHERE customer_id = $1',
      [id],
    );
    return rows[0]!.doc.toString();
  }

  it('never leases the mark of a write whose outbox message the graph has not applied', async () => {
    const id = randomUUID();
    await db.query(`INSERT INTO customers (id, display_name) VALUES ($1, 'Claimed')`, [id]);
    await db.query(`INSERT INTO customer_360 (customer_id, format, doc) VALUES ($1, 'f', '\\x')`, [
      id,
    ]);
    await db.query('DELETE FROM customer_360_dirty');
    await db.query('DELETE FROM outbox');
    // A write as every write path makes one: its mark and its outbox message in one commit;
    // the relay has not applied it yet, so the graph does not show it.
    await db.withTransaction(async (tx) => {
      await tx.query(`UPDATE customers SET display_name = 'Renamed' WHERE id = $1`, [id]);
      await tx.query(`INSERT INTO outbox (topic, payload) VALUES ('customer.changed', '{}')`);
    });
    const store = new Customer360Store(db);
    // The marks and the horizon must come from one snapshot, or a write committing between
    // two statements would show its mark without its outbox message: one statement, no
    // transaction around it.
    const statements: string[] = [];
    const count = (s: { name: string }) => statements.push(s.name);
    db.events.on('statement', count);
    const waiting = await store
      .claim([], 100, false)
      .finally(() => db.events.off('statement', count));

    assert.deepEqual(statements, ['read-model.claim']);
    assert.equal(waiting.marks.has(id), false, 'its mark waits for the outbox message');
    assert.deepEqual(waiting.toBuild, []);
    await db.query('DELETE FROM outbox');
    const applied = await store.claim([], 100, false);
    assert.equal(applied.marks.has(id), true, 'taken once the relay has applied the message');
    assert.deepEqual(applied.toBuild, [id]);
  });

  it('stores a rebuilt document, and marks it when what it newly shows changes later', async () => {
    const id = await documented('Owner');
    const relative = await documented('Relative');
    const store = new Customer360Store(db);
    const claim = await claimRebuild(store, id);

    await store.commit('f', claim, rebuilt(id, [relative]), new Set());

    assert.equal(await storedDoc(id), 'new');
    assert.equal((await store.builtAt([id], 'f')).size, 1, 'servable');
    await db.query(`UPDATE customers SET display_name = 'Renamed' WHERE id = $1`, [relative]);
    assert.equal((await store.builtAt([id], 'f')).size, 0, 'the rename marked it');
  });

  for (const [what, change] of [
    [
      'a customer',
      (id: string) => db.query(`UPDATE customers SET display_name = 'Renamed' WHERE id = $1`, [id]),
    ],
    [
      'a product',
      (id: string) => db.query(`UPDATE products SET name = 'Renamed' WHERE id = $1`, [id]),
    ],
  ] as const) {
    it(`does not store a document showing ${what} changed after the claim, and marks it again`, async () => {
      const id = await documented('Owner');
      const shown = what === 'a product' ? await product('Shown') : await documented('Shown');
      const store = new Customer360Store(db);
      const claim = await claimRebuild(store, id);
      // The build may have read it before this change; the change's trigger found no document
      // showing it (the stored one does not).
      await change(shown);

      await store.commit('f', claim, rebuilt(id, [shown]), new Set());

      assert.equal(await storedDoc(id), 'old');
      assert.equal((await store.builtAt([id], 'f')).size, 0, 'not servable');
      const again = await store.claim([], 100, false);
      assert.ok(again.toBuild.includes(id), 'rebuilt by the next pass');
    });
  }

  it('does not store a document showing a customer changed before the claim but not yet in the graph', async () => {
    const id = await documented('Owner');
    const relative = await documented('Relative');
    await db.query('INSERT INTO customer_360_dirty (customer_id) VALUES ($1)', [id]);
    // Committed, its outbox message still waiting for the relay: the graph does not show it.
    await db.withTransaction(async (tx) => {
      await tx.query(`UPDATE customers SET display_name = 'Renamed' WHERE id = $1`, [relative]);
      await tx.query(`INSERT INTO outbox (topic, payload) VALUES ('customer.changed', '{}')`);
    });
    const store = new Customer360Store(db);
    const claim = await store.claim([], 100, false);
    assert.ok(claim.toBuild.includes(id));

    await store.commit('f', claim, rebuilt(id, [relative]), new Set());

    assert.equal(await storedDoc(id), 'old');
    assert.equal((await store.builtAt([id], 'f')).size, 0, 'not servable');
  });

  it('does not store a document showing a customer being changed while the pass commits', async () => {
    const id = await documented('Owner');
    const relative = await documented('Relative');
    const store = new Customer360Store(db);
    const claim = await claimRebuild(store, id);
    let changed!: () => void;
    let commit!: () => void;
    const written = new Promise<void>((resolve) => (changed = resolve));
    const released = new Promise<void>((resolve) => (commit = resolve));
    // Its trigger runs (finding no document showing the relative) before the pass adds the
    // new document's refs; it commits after the pass has looked.
    const write = db.withTransaction(async (tx) => {
      await tx.query(`UPDATE customers SET display_name = 'Renamed' WHERE id = $1`, [relative]);
      changed();
      await released;
    });
    await written;

    await store.commit('f', claim, rebuilt(id, [relative]), new Set());
    commit();
    await write;

    assert.equal(await storedDoc(id), 'old');
    assert.equal((await store.builtAt([id], 'f')).size, 0, 'not servable');
  });

  it('sends a servable document without its bytes when the reader holds its version', async () => {
    const id = await documented('Owner');
    const store = new Customer360Store(db);

    const [first] = await store.loadFresh([id], 'f');
    const [again] = await store.loadFresh([id], 'f', new Map([[id, first!.version]]));
    await store.commit('f', await claimRebuild(store, id), rebuilt(id, []), new Set());
    const [rebuiltDoc] = await store.loadFresh([id], 'f', new Map([[id, first!.version]]));
    await db.query('INSERT INTO customer_360_dirty (customer_id) VALUES ($1)', [id]);
    const dirty = await store.loadFresh([id], 'f', new Map([[id, rebuiltDoc!.version]]));

    assert.equal(first!.doc?.toString(), 'old');
    assert.deepEqual([again!.customerId, again!.version, again!.doc], [id, first!.version, null]);
    assert.ok(again!.ageMs >= 0 && again!.ageMs < 60_000, `age ${again!.ageMs} ms`);
    assert.notEqual(rebuiltDoc!.version, first!.version);
    assert.equal(rebuiltDoc!.doc?.toString(), 'new');
    assert.deepEqual(dirty, [], 'a dirty document is not served, whatever the reader holds');
  });

  it('marks a document a read found aged only if it was built before the maximum age', async () => {
    const id = await documented('Aged');
    const store = new Customer360Store(db);

    await store.markAged([id], 'f', 3_600_000);
    assert.equal((await store.builtAt([id], 'f')).size, 1, 'built just now: still servable');

    await db.query(
      `UPDATE customer_360 SET built_at = now() - interval '2 hours' WHERE customer_id = $1`,
      [id],
    );
    await store.markAged([id], 'f', 3_600_000);
    await store.markAged([id], 'f', 3_600_000);
    const { rows } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM customer_360_dirty WHERE customer_id = $1',
      [id],
    );
    assert.equal(rows[0]!.n, 1, 'one mark, however many reads found it aged');
  });
});
