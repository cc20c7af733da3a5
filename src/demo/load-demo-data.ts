import type { Backends } from '../backends.js';
import { embedTerms } from '../lib/hashed-embedding.js';
import type { Logger } from '../logger.js';
import { CustomerGraph, type Edge } from '../modules/customer/customer.graph.js';
import { CustomerStore } from '../modules/customer/customer.store.js';
import { IdentityStore } from '../modules/identity/identity.store.js';
import { IdentityType } from '../modules/identity/identity.type.js';
import { loadDemoCatalog } from './demo-catalog.js';
import { type DemoEdgeType, generateDemoData } from './demo-data.js';

/**
 * Loads the demo population into an empty database, so a first start has something to query.
 * Does nothing when any customer exists. The graph is written first (MERGE, so repeatable) and
 * PostgreSQL last in one transaction: an interrupted load is simply redone on the next start.
 *
 * @returns how many customers were loaded (0 when the database already had data).
 */
export async function loadDemoDataIfEmpty(
  backends: Pick<Backends, 'postgres' | 'graph'>,
  logger: Logger,
): Promise<number> {
  if ((await new CustomerStore(backends.postgres).count()) > 0) {
    return 0;
  }
  const demo = generateDemoData();
  const graph = new CustomerGraph(backends.graph);
  await graph.mergeCustomers(demo.customers.map(({ id, displayName }) => ({ id, displayName })));
  for (const [type, edges] of Object.entries(demo.edges) as [DemoEdgeType, Edge[]][]) {
    await graph.mergeEdges(type, edges);
  }
  await backends.postgres.withTransaction(async (tx) => {
    const store = new CustomerStore(tx);
    const identities = new IdentityStore(tx);
    const emails = new Set<string>();
    for (const customer of demo.customers) {
      await store.upsert({ ...customer, embedding: embedTerms(customer.traits.interests) });
      // Known by their e-mail, as a signed-up customer would be (faker may repeat an address:
      // an identity belongs to one customer only).
      if (!emails.has(customer.email)) {
        emails.add(customer.email);
        await identities.attach({ type: IdentityType.EMAIL, value: customer.email }, customer.id);
      }
    }
    await loadDemoCatalog(
      tx,
      demo.customers.map((customer) => customer.id),
    );
  });
  logger.info({ customers: demo.customers.length }, 'demo data loaded');
  return demo.customers.length;
}
