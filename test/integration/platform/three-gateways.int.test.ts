import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import neo4j, { type Session } from 'neo4j-driver';
import pg from 'pg';

import { freePort } from '../../../src/lib/free-port.js';
import {
  CustomerUpdatedDocument,
  type CustomerUpdatedSubscription,
  LinkRelationshipsDocument,
  UpsertCustomerDocument,
} from '../../__generated__/graphql.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { type GatewayProcess, spawnGateway } from '../../support/gateway-process.js';
import { execute, subscribe, wsClient } from '../../support/graphql-client.js';
import { TEST_SERVICES } from '../../support/services.js';
import { until } from '../../support/until.js';

type Update = CustomerUpdatedSubscription['customerUpdated'];

/** Customers each gateway creates; links then chain all of them, spread over the three. */
const PER_GATEWAY = 12;

/**
 * Records, with triggers on the outbox of the test's database, every row written, every claim
 * of a row by a relay and every row deleted once applied, each with the PostgreSQL application
 * name of the session that did it (`c360@<host>:<pid>`: which gateway process). Test-only
 * instrumentation of the test's own database; the gateways know nothing of it.
 */
const OUTBOX_LOG = /* sql */ `
  CREATE TABLE test_outbox_log (
    id bigint NOT NULL,
    what text NOT NULL,
    instance text NOT NULL,
    attempts integer NOT NULL
  );
  CREATE FUNCTION test_outbox_log() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'INSERT' THEN
      INSERT INTO test_outbox_log VALUES (NEW.id, 'written', current_setting('application_name'), NEW.attempts);
    ELSIF TG_OP = 'UPDATE' THEN
      IF NEW.claimed_until IS NOT NULL AND NEW.claimed_until IS DISTINCT FROM OLD.claimed_until THEN
        INSERT INTO test_outbox_log VALUES (NEW.id, 'claimed', current_setting('application_name'), NEW.attempts);
      END IF;
    ELSE
      INSERT INTO test_outbox_log VALUES (OLD.id, 'deleted', current_setting('application_name'), OLD.attempts);
    END IF;
    RETURN NULL;
  END $$;
  CREATE TRIGGER test_outbox_log AFTER INSERT OR UPDATE OR DELETE ON outbox
    FOR EACH ROW EXECUTE FUNCTION test_outbox_log();
`;

interface LogRow {
  id: string;
  what: 'written' | 'claimed' | 'deleted';
  instance: string;
  attempts: number;
}

/**
 * Three gateway processes on one PostgreSQL database, one Neo4j and one Redis, as three
 * machines behind a load balancer would run: writes land on all three, their relays compete for
 * the outbox, and every instance's subscribers hear every change, wherever it was written.
 */
describe('three gateway processes sharing the stores', () => {
  let database: TestDatabase;
  let db: pg.Client;
  const gateways: GatewayProcess[] = [];
  const urls: string[] = [];
  const customers: string[] = [];

  const start = async () =>
    spawnGateway({
      PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      NEO4J_URI: TEST_SERVICES.neo4jUri,
      // The suite's Neo4j shares two cores with three gateways: no production deadline here.
      NEO4J_TIMEOUT_MS: '20000',
      REDIS_URL: TEST_SERVICES.redisUrl,
      DEMO_DATA: 'off',
      RECOMMENDATION_REFIT_MINUTES: '0',
      PREDICTION_REFIT_MINUTES: '0',
    });

  before(async () => {
    database = await createTestDatabase();
    // One after the other: the first migrates the empty database, the others find it current.
    for (let i = 0; i < 3; i += 1) {
      const gateway = await start();
      gateways.push(gateway);
      urls.push(await gateway.ready);
    }
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
    await db.query(OUTBOX_LOG);
  });

  after(async () => {
    await db?.end();
    for (const gateway of gateways) {
      gateway.child.kill('SIGTERM');
    }
    await Promise.all(gateways.map((gateway) => gateway.exited));
    if (customers.length > 0) {
      await withGraph((session) =>
        session.run('UNWIND $ids AS id MATCH (c:Customer {id: id}) DETACH DELETE c', {
          ids: customers,
        }),
      );
    }
    await database?.drop();
  });

  /** The gateway process a PostgreSQL application name belongs to. */
  const gatewayOf = (instance: string) =>
    gateways.findIndex((gateway) => instance.endsWith(`:${gateway.child.pid}`));

  it('applies every outbox row once, on all three relays, and every subscriber hears every change in order', async (t) => {
    // From cursor 0 on each instance: whether a subscriber registers before or after a commit,
    // the entry reaches it (replayed or live), so nothing waits on timing.
    const clients = urls.map((url) => wsClient(url));
    try {
      const feeds = clients.map((client) =>
        subscribe(client, CustomerUpdatedDocument, { afterCursor: '0' }),
      );

      // Profiles written on all three at once, each call ringing its own instance's relay.
      const names = new Map<string, string>();
      const writeProfiles = (count: number) =>
        Promise.all(
          urls.map(async (url, g) => {
            for (let i = 0; i < count; i += 1) {
              const id = randomUUID();
              const displayName = `Gateway ${g} customer ${names.size}`;
              customers.push(id);
              names.set(id, displayName);
              const written = await execute(url, UpsertCustomerDocument, {
                input: { id, displayName },
              });
              assert.equal(written.errors, undefined, JSON.stringify(written.errors));
            }
          }),
        );
      await writeProfiles(PER_GATEWAY);
      // A chain of referrals through every customer, each link written on another instance.
      const links = customers.slice(1).map((to, i) => ({ from: customers[i]!, to }));
      await Promise.all(
        urls.map(async (url, g) => {
          for (const link of links.filter((_, i) => i % 3 === g)) {
            const result = await execute(url, LinkRelationshipsDocument, {
              input: [{ fromId: link.from, toId: link.to, type: 'REFERRED' }],
            });
            assert.equal(result.data?.linkRelationships.created, 1, JSON.stringify(result));
          }
        }),
      );

      const drained = async () => {
        const pending = await until(
          async () => Number((await db.query('SELECT count(*) AS n FROM outbox')).rows[0].n),
          (n) => n === 0,
          60_000,
        );
        assert.equal(pending, 0, 'the outbox drains');
        return (
          await db.query<LogRow>('SELECT id::text, what, instance, attempts FROM test_outbox_log')
        ).rows;
      };
      const claimers = (rows: readonly LogRow[]) =>
        new Set(rows.filter((row) => row.what === 'claimed').map((row) => gatewayOf(row.instance)));
      // The outbox drains: every row written was applied and deleted.
      let log = await drained();
      // Whichever relay polls first takes the whole batch, so one burst may leave an instance
      // idle: more writes, until each relay has had its turn (a bounded number of rounds).
      for (let round = 0; round < 20 && claimers(log).size < 3; round += 1) {
        await writeProfiles(1);
        log = await drained();
      }
      const written = log.filter((row) => row.what === 'written');
      const claimed = log.filter((row) => row.what === 'claimed');
      const deleted = log.filter((row) => row.what === 'deleted');
      assert.ok(written.length >= customers.length + links.length, 'a row per profile and link');
      assert.deepEqual(
        new Set(deleted.map((row) => row.id)),
        new Set(written.map((row) => row.id)),
        'every row written was applied and removed',
      );
      // Exactly once: a row is claimed once per attempt, and the relays never held one at the
      // same time (a second claim only follows a failed attempt that released it).
      for (const row of deleted) {
        const claims = claimed.filter((claim) => claim.id === row.id);
        assert.equal(claims.length, row.attempts + 1, `row ${row.id} claimed once per attempt`);
      }
      // The work was shared: every instance wrote rows and its relay applied some.
      for (let g = 0; g < 3; g += 1) {
        assert.ok(
          written.some((row) => gatewayOf(row.instance) === g),
          `gateway ${g} wrote outbox rows`,
        );
        assert.ok(
          claimed.some((row) => gatewayOf(row.instance) === g),
          `gateway ${g}'s relay applied outbox rows (claims by instance: ${JSON.stringify(countBy(claimed.map((row) => gatewayOf(row.instance))))})`,
        );
      }

      t.diagnostic(
        `outbox rows: ${written.length}; applied by gateway: ${JSON.stringify(countBy(claimed.map((row) => gatewayOf(row.instance))))}`,
      );

      // The graph holds exactly what was written: each customer once, each link once.
      const graph = await withGraph(async (session) => {
        const nodes = await session.run(
          'UNWIND $ids AS id MATCH (c:Customer {id: id}) RETURN c.id AS id, c.displayName AS name',
          { ids: customers },
        );
        const edges = await session.run(
          `UNWIND $ids AS id
           MATCH (a:Customer {id: id})-[:REFERRED]->(b:Customer)
           RETURN a.id AS from, b.id AS to`,
          { ids: customers },
        );
        return {
          nodes: nodes.records.map((r): [string, string] => [r.get('id'), r.get('name')]),
          edges: edges.records.map((r) => `${r.get('from') as string}->${r.get('to') as string}`),
        };
      });
      assert.deepEqual(new Map(graph.nodes), names);
      assert.equal(graph.nodes.length, customers.length, 'one node per customer');
      assert.deepEqual(
        graph.edges.sort(),
        links.map((link) => `${link.from}->${link.to}`).sort(),
        'one edge per link',
      );

      // Each instance's subscriber hears the whole customer stream, in cursor order, once.
      const committed = (
        await db.query<{ cursor: string; customer_id: string }>(
          `SELECT cursor::text, customer_id FROM change_feed
           WHERE stream = 'customer' ORDER BY change_feed.cursor`,
        )
      ).rows;
      const last = committed[committed.length - 1]!.cursor;
      assert.deepEqual(
        new Set(committed.map((row) => row.customer_id)),
        new Set(customers),
        'the feed has an entry for every customer',
      );
      for (const [g, feed] of feeds.entries()) {
        const heard: Update[] = [];
        while (heard.length === 0 || BigInt(heard[heard.length - 1]!.cursor) < BigInt(last)) {
          const event = await feed.next(30_000);
          assert.equal(event.errors, undefined, JSON.stringify(event.errors));
          heard.push(event.data!.customerUpdated);
        }
        assert.deepEqual(
          heard.map((update) => [update.cursor, update.customerId]),
          committed.map((row) => [row.cursor, row.customer_id]),
          `gateway ${g}'s subscriber heard every committed entry, once, in order`,
        );
        feed.unsubscribe();
      }
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
    }
  });
});

function countBy(values: readonly number[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) {
    counts[value] = (counts[value] ?? 0) + 1;
  }
  return counts;
}

/** A session on the test run's Neo4j (the embedded launcher, no authentication). */
async function withGraph<T>(work: (session: Session) => Promise<T>): Promise<T> {
  const driver = neo4j.driver(TEST_SERVICES.neo4jUri, neo4j.auth.basic('neo4j', ''));
  const session = driver.session();
  try {
    return await work(session);
  } finally {
    await session.close();
    await driver.close();
  }
}
