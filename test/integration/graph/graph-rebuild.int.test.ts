import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import pg from 'pg';

import { openGraphStores } from '../../../src/cli/graph-stores.js';
import { loadConfig } from '../../../src/config.js';
import { GraphDb } from '../../../src/datasources/neo4j.js';
import { lockDataFolder } from '../../../src/lib/data-folder-lock.js';
import { createSilentLogger } from '../../../src/logger.js';
import { GraphProjection } from '../../../src/modules/graph/graph-projection.service.js';
import { changeRelationships } from '../../../src/modules/relationship/relationship.service.js';
import {
  EraseCustomerDocument,
  LinkRelationshipsDocument,
  MergeCustomersDocument,
  TargetCampaignDocument,
  TrackBatchDocument,
  UnlinkRelationshipDocument,
  UpsertCampaignsDocument,
  UpsertContentsDocument,
  UpsertProductsDocument,
} from '../../__generated__/graphql.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { execute } from '../../support/graphql-client.js';
import { startPrivateNeo4j, type PrivateNeo4j } from '../../support/private-neo4j.js';
import { seedCustomer, type SeededCustomer } from '../../support/seed.js';
import { createTestApp, TEST_SUPPRESSION_PEPPER, type TestApp } from '../../support/test-app.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../../src/cli/c360.js', import.meta.url));

/** The whole graph, normalised: nodes by label and key, edges by type and endpoints. */
interface GraphSnapshot {
  nodes: string[];
  edges: string[];
}

/** Neo4j temporal values print as ISO strings; everything else as JSON does. */
function plain(properties: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(properties)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => [
        key,
        value !== null && typeof value === 'object' && !Array.isArray(value)
          ? String(value)
          : value,
      ]),
  );
}

async function snapshot(graph: GraphDb): Promise<GraphSnapshot> {
  const nodes = await graph.read('test.snapshotNodes', (tx) =>
    tx.run('MATCH (n) RETURN labels(n) AS labels, properties(n) AS properties'),
  );
  const edges = await graph.read('test.snapshotEdges', (tx) =>
    tx.run(`MATCH (a)-[r]->(b)
RETURN type(r) AS type, labels(a)[0] + ':' + coalesce(a.id, a.name) AS from,
  labels(b)[0] + ':' + coalesce(b.id, b.name) AS to, properties(r) AS properties`),
  );
  return {
    nodes: nodes.records
      .map((r) =>
        JSON.stringify([
          (r.get('labels') as string[]).sort(),
          plain(r.get('properties') as Record<string, unknown>),
        ]),
      )
      .sort(),
    edges: edges.records
      .map((r) =>
        JSON.stringify([
          r.get('type'),
          r.get('from'),
          r.get('to'),
          plain(r.get('properties') as Record<string, unknown>),
        ]),
      )
      .sort(),
  };
}

/** Runs `c360 <args>` to its end with exactly `env` (plus PATH and HOME). */
async function c360(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/**
 * Waits until the gateway's relay has applied every outbox message. The population's merges
 * recount interactions, which takes long on a busy machine: the deadline is generous, and a
 * backlog left at it fails the test with its size.
 */
async function caughtUp(app: TestApp): Promise<void> {
  assert.equal(await app.app.catchUp(180_000), 0, 'outbox messages left unapplied');
}

const types = (s: GraphSnapshot) => new Set(s.edges.map((e) => (JSON.parse(e) as string[])[0]));

describe('c360 graph rebuild', () => {
  let neo4j: PrivateNeo4j;
  let database: TestDatabase;
  let gateway: TestApp | null = null;
  let graph: GraphDb;
  let dataDir: string;
  let original: GraphSnapshot;
  const people: Record<string, SeededCustomer> = {};
  let env: Record<string, string>;
  /** A connection of the test's own, to play an older deployment's PostgreSQL. */
  const connect = async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    return client;
  };

  before(async () => {
    neo4j = await startPrivateNeo4j();
    database = await createTestDatabase();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'c360-graph-rebuild-'));
    env = {
      DATABASE_URL: database.url,
      NEO4J_URI: neo4j.uri,
      NEO4J_TIMEOUT_MS: '20000',
      C360_DATA_DIR: dataDir,
      SUPPRESSION_PEPPER: TEST_SUPPRESSION_PEPPER,
      LOG_LEVEL: 'silent',
    };
    gateway = await createTestApp({ database, env: { NEO4J_URI: neo4j.uri } });
    // The test's own driver: the gateway (and its driver) stops before the rebuild.
    graph = new GraphDb({
      uri: neo4j.uri,
      user: 'neo4j',
      password: '',
      timeoutMs: 20_000,
      kind: 'neo4j',
      logger: createSilentLogger(),
    });
    await loadPopulation(gateway);
    await caughtUp(gateway);
    original = await snapshot(graph);
  });

  after(async () => {
    await gateway?.stop();
    await graph.close();
    await database.drop();
    await neo4j.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  /**
   * Customers with every kind of relationship, a catalog, targeting, tracked interactions,
   * two merges (one of related and targeted customers, one of tracked ones) and an erasure.
   */
  async function loadPopulation(app: TestApp): Promise<void> {
    for (const name of ['ann', 'bob', 'cat', 'dan', 'eve', 'fay', 'gus', 'hal']) {
      people[name] = await seedCustomer(app.url, name, []);
    }
    const p = people as Record<string, SeededCustomer>;
    const link = (type: string, from: string, to: string) => ({
      type: type as 'SPOUSE_OF',
      fromId: p[from]!.id,
      toId: p[to]!.id,
    });
    const linked = await execute(app.url, LinkRelationshipsDocument, {
      input: [
        link('SPOUSE_OF', 'ann', 'bob'),
        link('PARENT_OF', 'ann', 'cat'),
        link('SIBLING_OF', 'cat', 'dan'),
        link('HOUSEHOLD_MEMBER', 'eve', 'fay'),
        link('REFERRED', 'ann', 'eve'),
        link('SPOUSE_OF', 'gus', 'hal'),
        link('REFERRED', 'bob', 'hal'),
        link('PARENT_OF', 'dan', 'fay'),
        link('HOUSEHOLD_MEMBER', 'fay', 'hal'),
      ],
    });
    assert.equal(linked.data?.linkRelationships.created, 9, JSON.stringify(linked));
    // An undirected unlink given the other way round removes the edge too.
    const unlinked = await execute(app.url, UnlinkRelationshipDocument, {
      type: 'SIBLING_OF',
      fromId: p['dan']!.id,
      toId: p['cat']!.id,
    });
    assert.equal(unlinked.errors, undefined, JSON.stringify(unlinked.errors));

    const tag = randomUUID().slice(0, 8);
    const products = await execute(app.url, UpsertProductsDocument, {
      input: [
        { sku: `BOOT-${tag}`, name: 'Boots', categories: ['shoes', 'outdoor'] },
        { sku: `SOCK-${tag}`, name: 'Socks', categories: ['clothing'] },
      ],
    });
    assert.equal(products.data?.upsertProducts.created, 2, JSON.stringify(products));
    const content = await execute(app.url, UpsertContentsDocument, {
      input: [
        {
          externalId: `guide-${tag}`,
          title: 'Hiking guide',
          kind: 'GUIDE',
          categories: ['outdoor'],
        },
      ],
    });
    assert.equal(content.data?.upsertContents.created, 1, JSON.stringify(content));
    const campaigns = await execute(app.url, UpsertCampaignsDocument, {
      input: [
        { externalId: `autumn-${tag}`, name: 'Autumn', channel: 'EMAIL', status: 'ACTIVE' },
        { externalId: `winter-${tag}`, name: 'Winter', channel: 'SMS', status: 'DRAFT' },
      ],
    });
    const [autumn, winter] = campaigns.data!.upsertCampaigns.results.map((r) => r.id!);
    for (const [campaignId, names] of [
      [autumn!, ['ann', 'bob', 'eve', 'gus']],
      [winter!, ['bob', 'gus', 'hal']],
    ] as const) {
      const targeted = await execute(app.url, TargetCampaignDocument, {
        campaignId,
        customerIds: names.map((n) => p[n]!.id),
      });
      assert.equal(targeted.data?.targetCampaign.created, names.length, JSON.stringify(targeted));
    }

    const at = (minute: number) => new Date(Date.UTC(2026, 10, 1, 12, minute)).toISOString();
    const tracked = await execute(app.url, TrackBatchDocument, {
      events: [
        ['one', 'VIEW', { sku: `BOOT-${tag}` }, 1],
        ['one', 'VIEW', { sku: `BOOT-${tag}` }, 4],
        ['one', 'PURCHASE', { sku: `BOOT-${tag}` }, 5],
        ['one', 'VIEW', { contentExternalId: `guide-${tag}` }, 6],
        ['two', 'VIEW', { sku: `BOOT-${tag}` }, 2],
        ['two', 'CART_ADD', { sku: `SOCK-${tag}` }, 3],
        ['two', 'CAMPAIGN_TOUCH', { campaignId: `autumn-${tag}` }, 7],
        ['three', 'VIEW', { sku: `SOCK-${tag}` }, 8],
      ].map(([who, type, properties, minute]) => ({
        messageId: randomUUID(),
        type: type as 'VIEW',
        properties: properties as Record<string, unknown>,
        occurredAt: at(minute as number),
        identity: { type: 'EMAIL' as const, value: `${who as string}-${tag}@example.com` },
      })),
    });
    assert.equal(tracked.data?.trackBatch.created, 8, JSON.stringify(tracked));
    const [one, , , , two, , , three] = tracked.data!.trackBatch.results.map((r) => r.customerId!);
    await caughtUp(app);

    // bob (a spouse, a referrer, targeted twice) folds into gus; two's interactions into one.
    for (const [survivorId, mergedId] of [
      [p['gus']!.id, p['bob']!.id],
      [one!, two!],
    ] as const) {
      const merged = await execute(app.url, MergeCustomersDocument, { survivorId, mergedId });
      assert.equal(merged.errors, undefined, JSON.stringify(merged.errors));
    }
    // eve (household, referred, targeted) and a tracked customer are erased.
    for (const id of [p['eve']!.id, three!]) {
      const erased = await execute(app.url, EraseCustomerDocument, { id });
      assert.equal(erased.errors, undefined, JSON.stringify(erased.errors));
    }
  }

  it('starts from a graph with every kind of node and edge the modules write', () => {
    assert.deepEqual(
      new Set(original.nodes.map((n) => (JSON.parse(n) as string[][])[0]![0])),
      new Set(['Customer', 'Product', 'Content', 'Campaign', 'Category']),
    );
    for (const type of [
      'SPOUSE_OF',
      'PARENT_OF',
      'HOUSEHOLD_MEMBER',
      'REFERRED',
      'TARGETED_BY',
      'VIEWED',
      'PURCHASED',
      'CARTED',
      'RESPONDED_TO',
      'IN_CATEGORY',
    ]) {
      assert.ok(types(original).has(type), `the population has ${type} edges`);
    }
    assert.ok(!types(original).has('SIBLING_OF'), 'the unlinked sibling edge is gone');
  });

  it('is refused while a gateway uses the database, and changes nothing', async () => {
    const refused = await c360(['graph', 'rebuild'], env);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /other c360 session/);
    assert.deepEqual(await snapshot(graph), original);
  });

  it('is refused beside a gateway on the embedded stores (the data-folder lock)', async () => {
    const lock = lockDataFolder(dataDir, 'a test gateway');
    try {
      const refused = await c360(['graph', 'rebuild'], {
        C360_DATA_DIR: dataDir,
        SUPPRESSION_PEPPER: TEST_SUPPRESSION_PEPPER,
        LOG_LEVEL: 'silent',
      });
      assert.equal(refused.code, 1, refused.stderr);
      assert.match(refused.stderr, /another c360 is using the data folder/);
    } finally {
      lock.release();
    }
  });

  it('wipes the graph and rebuilds the same graph from PostgreSQL', async () => {
    await gateway!.stop();
    gateway = null;
    const rebuilt = await c360(['graph', 'rebuild'], env);
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    const report = JSON.parse(rebuilt.stdout) as { deleted: number };
    assert.equal(report.deleted, original.nodes.length);
    assert.deepEqual(await snapshot(graph), original);
  });

  it('is refused over edges only the graph holds until `c360 graph backfill` copies them', async () => {
    // As on a deployment from before PostgreSQL kept relationships and targeting.
    const db = await connect();
    try {
      const lostLinks = await db.query(
        `DELETE FROM customer_relationships WHERE type IN ('REFERRED', 'PARENT_OF')`,
      );
      const lostTargets = await db.query(`DELETE FROM campaign_targets WHERE customer_id = $1`, [
        people['gus']!.id,
      ]);
      assert.equal(lostLinks.rowCount, 3);
      assert.equal(lostTargets.rowCount, 2);

      const refused = await c360(['graph', 'rebuild'], env);
      assert.equal(refused.code, 1, refused.stderr);
      assert.match(
        refused.stderr,
        /3 relationship\(s\) and 2 campaign targeting\(s\) that PostgreSQL lacks/,
      );
      assert.match(refused.stderr, /c360 graph backfill/);
      assert.deepEqual(await snapshot(graph), original);

      const backfilled = await c360(['graph', 'backfill'], env);
      assert.equal(backfilled.code, 0, backfilled.stderr);
      assert.deepEqual(JSON.parse(backfilled.stdout), { added: { relationships: 3, targets: 2 } });
      const rebuilt = await c360(['graph', 'rebuild'], env);
      assert.equal(rebuilt.code, 0, rebuilt.stderr);
      assert.deepEqual(await snapshot(graph), original);
    } finally {
      await db.end();
    }
  });

  it('backfills no edge whose unlink waits in the outbox', async () => {
    const db = await connect();
    const parent = { type: 'PARENT_OF', from: people['dan']!.id, to: people['fay']!.id };
    try {
      // The unlink committed (its row went) but no relay has applied it to the graph yet.
      await db.query(
        `DELETE FROM customer_relationships WHERE type = $1 AND from_id = $2 AND to_id = $3`,
        [parent.type, parent.from, parent.to],
      );
      await db.query(
        `INSERT INTO outbox (topic, payload) VALUES ('graph.relationship.unlinked', $1)`,
        [parent],
      );
      const backfilled = await c360(['graph', 'backfill'], env);
      assert.deepEqual(JSON.parse(backfilled.stdout), { added: { relationships: 0, targets: 0 } });
      const rebuilt = await c360(['graph', 'rebuild'], env);
      assert.equal(rebuilt.code, 0, rebuilt.stderr);
      const edge = JSON.stringify([
        'PARENT_OF',
        `Customer:${parent.from}`,
        `Customer:${parent.to}`,
        {},
      ]);
      assert.deepEqual(await snapshot(graph), {
        nodes: original.nodes,
        edges: original.edges.filter((e) => e !== edge),
      });
    } finally {
      // Put the link back as it was, for the next test.
      await db.query(`DELETE FROM outbox WHERE topic = 'graph.relationship.unlinked'`);
      await db.query(
        `INSERT INTO customer_relationships (type, from_id, to_id) VALUES ($1, $2, $3)`,
        [parent.type, parent.from, parent.to],
      );
      await db.end();
    }
  });

  it('re-projects chosen customers with their neighbourhood (reprojectCustomers)', async () => {
    const chosen = [people['ann']!.id, people['gus']!.id, people['dan']!.id];
    await graph.write('test.dropCustomers', (tx) =>
      tx.run('UNWIND $ids AS id MATCH (c:Customer {id: id}) DETACH DELETE c', { ids: chosen }),
    );
    assert.notDeepEqual(await snapshot(graph), original);
    const stores = await openGraphStores(loadConfig(env), createSilentLogger(), 'a test');
    try {
      await new GraphProjection({
        db: stores.postgres,
        graph: stores.graph,
        appliers: stores.appliers,
      }).reprojectCustomers(chosen);
    } finally {
      await stores.close();
    }
    assert.deepEqual(await snapshot(graph), original);
  });

  it('leaves writes made while the gateways were stopped to their relay, which ends where PostgreSQL is', async () => {
    const [ann, gus, hal] = [people['ann']!.id, people['gus']!.id, people['hal']!.id];
    // Committed with no relay running: rows in PostgreSQL, messages waiting in the outbox.
    const stores = await openGraphStores(loadConfig(env), createSilentLogger(), 'a test');
    try {
      const deps = { db: stores.postgres, relay: { wake: () => undefined } };
      const logger = createSilentLogger();
      await changeRelationships(
        deps,
        [{ type: 'SPOUSE_OF', fromId: gus, toId: ann }],
        'unlinked',
        logger,
      );
      await changeRelationships(
        deps,
        [{ type: 'SIBLING_OF', fromId: ann, toId: hal }],
        'linked',
        logger,
      );
    } finally {
      await stores.close();
    }
    const rebuilt = await c360(['graph', 'rebuild'], env);
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    const expected = {
      nodes: original.nodes,
      edges: [
        ...original.edges.filter(
          (e) =>
            !e.startsWith(
              JSON.stringify(['SPOUSE_OF', `Customer:${ann}`, `Customer:${gus}`]).slice(0, -1),
            ),
        ),
        JSON.stringify(['SIBLING_OF', `Customer:${ann}`, `Customer:${hal}`, {}]),
      ].sort(),
    };
    assert.equal(expected.edges.length, original.edges.length, 'one edge went, one came');
    assert.deepEqual(await snapshot(graph), expected, 'the rebuild reads the writes themselves');

    // A gateway starts: its relay replays the waiting messages onto the rebuilt graph.
    gateway = await createTestApp({ database, env: { NEO4J_URI: neo4j.uri } });
    await caughtUp(gateway);
    assert.deepEqual(await snapshot(graph), expected);
  });

  it('says a backfill is due only while PostgreSQL keeps no edge the graph holds (the start-up warning)', async () => {
    const db = await connect();
    const due = () => new GraphProjection({ db, graph, appliers: [] }).needsBackfill();
    try {
      assert.equal(await due(), false);
      await db.query('BEGIN');
      // As right after the migration on an older deployment; rolled back below.
      await db.query('DELETE FROM customer_relationships');
      await db.query('DELETE FROM campaign_targets');
      assert.equal(await due(), true);
    } finally {
      await db.query('ROLLBACK');
      await db.end();
    }
  });
});
