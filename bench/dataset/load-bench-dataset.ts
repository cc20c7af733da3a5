import pgvector from 'pgvector';

import type { Backends } from '../../src/backends.js';
import type { Queryable } from '../../src/datasources/postgres.js';
import { embedTerms, HASHED_EMBEDDING_MODEL } from '../../src/lib/hashed-embedding.js';
import {
  CatalogGraph,
  type CatalogOutboxPayloads,
  type CatalogTopic,
} from '../../src/modules/catalog/catalog.graph.js';
import type { InteractionKind } from '../../src/modules/catalog/interaction.type.js';
import { CustomerGraph } from '../../src/modules/customer/customer.graph.js';
import {
  type BenchCustomer,
  benchId,
  CATEGORIES,
  type DatasetSpec,
  generateCustomers,
} from './bench-dataset.js';

const BATCH = 5_000;

/** Reports progress of a long load on stderr. */
type Progress = (message: string) => void;

/**
 * Loads the generated population into an empty database and graph, or does nothing when this
 * database already holds the same spec (a marker table records it), so repeated bench runs
 * skip the minutes of loading.
 *
 * @throws when the database holds other data: the bench never mixes its rows with real ones.
 */
export async function ensureBenchDataset(
  backends: Backends,
  spec: DatasetSpec,
  progress: Progress,
): Promise<void> {
  const db = backends.postgres;
  await db.query(
    'CREATE TABLE IF NOT EXISTS bench_dataset (spec jsonb NOT NULL, loaded_at timestamptz NOT NULL DEFAULT now())',
  );
  const { rows } = await db.query<{ spec: DatasetSpec }>('SELECT spec FROM bench_dataset');
  // jsonb reorders keys, so compare field by field.
  const loaded = rows[0]?.spec;
  if (loaded && (Object.keys(spec) as (keyof DatasetSpec)[]).every((k) => loaded[k] === spec[k])) {
    progress('dataset already loaded');
    return;
  }
  const { rows: counted } = await db.query<{ n: string }>('SELECT count(*) AS n FROM customers');
  if (rows.length > 0 || Number(counted[0]!.n) > 0) {
    throw new Error('the bench database holds other data: point DATABASE_URL at an empty one');
  }
  const { customers, family } = generateCustomers(spec);
  const started = Date.now();
  await db.withTransaction(async (tx) => {
    await loadCustomers(tx, customers, progress);
    await loadProducts(tx, spec);
    await loadCampaigns(tx);
    progress('products and campaigns loaded; generating events');
    await loadEvents(tx, spec);
    await tx.query('INSERT INTO bench_dataset (spec) VALUES ($1)', [JSON.stringify(spec)]);
  });
  progress(`postgres loaded in ${((Date.now() - started) / 1000).toFixed(0)} s; analysing`);
  await db.query('ANALYZE');
  const graph = new CustomerGraph(backends.graph);
  for (let i = 0; i < customers.length; i += BATCH * 2) {
    await graph.mergeCustomers(
      customers.slice(i, i + BATCH * 2).map(({ id, displayName }) => ({ id, displayName })),
    );
  }
  for (const [type, edges] of Object.entries(family)) {
    for (let i = 0; i < edges.length; i += BATCH * 2) {
      await graph.mergeEdges(type as keyof typeof family, edges.slice(i, i + BATCH * 2));
    }
  }
  await loadCatalogGraph(backends, customers, spec, progress);
  progress(`graph loaded in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

const CAMPAIGNS = 10;

async function loadCampaigns(tx: Queryable) {
  await tx.query(
    /* sql */ `INSERT INTO campaigns (id, external_id, name, channel, status)
    SELECT md5('campaign:' || n)::uuid, 'bench-' || n, 'Campaign ' || n, 'email', 'active'
    FROM generate_series(0, $1 - 1) AS n`,
    [CAMPAIGNS],
  );
}

/**
 * Products, campaign targeting (each customer by one campaign) and the VIEWED / CARTED /
 * PURCHASED edges with the absolute counts the relay would have written, through the same
 * CatalogGraph statements the relay uses.
 */
async function loadCatalogGraph(
  backends: Backends,
  customers: BenchCustomer[],
  spec: DatasetSpec,
  progress: Progress,
) {
  const catalog = new CatalogGraph(backends.graph);
  const apply = <T extends CatalogTopic>(topic: T, payloads: CatalogOutboxPayloads[T][]) =>
    catalog.apply(
      topic,
      payloads.map((payload, i) => ({ id: String(i), attempts: 0, topic, payload }) as never),
    );
  const { rows: products } = await backends.postgres.query<{
    id: string;
    sku: string;
    name: string;
    categories: string[];
  }>('SELECT id, sku, name, categories FROM products ORDER BY sku');
  for (let i = 0; i < products.length; i += BATCH) {
    await apply('graph.product.upserted', products.slice(i, i + BATCH));
  }
  await apply(
    'graph.campaign.upserted',
    Array.from({ length: CAMPAIGNS }, (_, n) => ({
      id: benchId('campaign', n),
      name: `Campaign ${n}`,
    })),
  );
  for (let i = 0; i < customers.length; i += BATCH) {
    const batch = customers.slice(i, i + BATCH);
    const at = new Date(Date.UTC(2026, 0, 1)).toISOString();
    await apply(
      'graph.campaign.targeted',
      batch.map((c, k) => ({
        campaignId: benchId('campaign', (i + k) % CAMPAIGNS),
        customerId: c.id,
        at,
      })),
    );
    const { rows } = await backends.postgres.query<{
      customer_id: string;
      product_id: string;
      type: string;
      count: number;
      first_at: Date;
      last_at: Date;
    }>(
      /* sql */ `SELECT customer_id, product_id, type, count(*)::int AS count,
        min(occurred_at) AS first_at, max(occurred_at) AS last_at
      FROM events WHERE customer_id = ANY($1::uuid[]) AND product_id IS NOT NULL
      GROUP BY customer_id, product_id, type`,
      [batch.map((c) => c.id)],
    );
    for (const [eventType, kind] of Object.entries(INTERACTION_BY_EVENT)) {
      await apply(
        'graph.interaction.counted',
        rows
          .filter((row) => row.type === eventType)
          .map((row) => ({
            type: kind,
            customerId: row.customer_id,
            productId: row.product_id,
            count: row.count,
            firstAt: row.first_at.toISOString(),
            lastAt: row.last_at.toISOString(),
          })),
      );
    }
    progress(`graph: catalog edges of ${i + batch.length}/${spec.customers} customers`);
  }
}

const INTERACTION_BY_EVENT: Record<string, InteractionKind> = {
  view: 'VIEWED',
  cart_add: 'CARTED',
  purchase: 'PURCHASED',
};

async function loadCustomers(tx: Queryable, customers: BenchCustomer[], progress: Progress) {
  for (let i = 0; i < customers.length; i += BATCH) {
    const batch = customers.slice(i, i + BATCH);
    await tx.query(
      /* sql */ `WITH c AS (
        INSERT INTO customers (id, display_name, email, traits)
        SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[])
        RETURNING id, email
      ), i AS (
        INSERT INTO identities (type, value, customer_id) SELECT 'email', email, id FROM c
      )
      INSERT INTO customer_embeddings (customer_id, model, embedding)
      SELECT id, $5, e::vector FROM unnest($1::uuid[], $6::text[]) AS u(id, e)`,
      [
        batch.map((c) => c.id),
        batch.map((c) => c.displayName),
        batch.map((c) => c.email),
        batch.map((c) => JSON.stringify(c.traits)),
        HASHED_EMBEDDING_MODEL,
        batch.map((c) => pgvector.toSql(embedTerms(c.traits.interests))),
      ],
    );
    progress(`customers ${Math.min(i + BATCH, customers.length)}/${customers.length}`);
  }
}

async function loadProducts(tx: Queryable, spec: DatasetSpec) {
  await tx.query(
    /* sql */ `INSERT INTO products (id, sku, name, categories, price, currency)
    SELECT md5('product:' || n)::uuid, 'SKU-' || lpad(n::text, 6, '0'), 'Product ' || n,
           ARRAY[($2::text[])[1 + n % array_length($2::text[], 1)]],
           (5 + (n * 37) % 500)::numeric(12, 2), 'EUR'
    FROM generate_series(0, $1 - 1) AS n`,
    [spec.products, CATEGORIES],
  );
}

/**
 * A million events in one statement: PostgreSQL's own seeded random() (one session, no
 * parallel workers) makes the same rows every run. 70% views, 20% cart adds, 10% purchases.
 */
async function loadEvents(tx: Queryable, spec: DatasetSpec) {
  await tx.query('SET LOCAL max_parallel_workers_per_gather = 0');
  await tx.query('SELECT setseed($1)', [1 / spec.seed]);
  await tx.query(
    /* sql */ `INSERT INTO events (message_id, customer_id, type, properties, occurred_at, product_id)
    SELECT 'bench-' || n, md5('customer:' || c)::uuid, t, jsonb_build_object('productId', md5('product:' || p)::uuid),
           now() - r * interval '365 days', md5('product:' || p)::uuid
    FROM (
      SELECT n, floor(random() * $2)::int AS c, floor(random() * $3)::int AS p, random() AS r,
             CASE WHEN random() < 0.7 THEN 'view' WHEN random() < 0.67 THEN 'cart_add' ELSE 'purchase' END AS t
      FROM generate_series(1, $1) AS n
    ) g`,
    [spec.events, spec.customers, spec.products],
  );
}
