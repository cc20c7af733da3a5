import { randomUUID } from 'node:crypto';

import type { Backends } from '../../src/backends.js';
import { CustomerGraph, type RelationshipType } from '../../src/modules/customer/customer.graph.js';
import { UpsertCustomerDocument } from '../__generated__/graphql.js';
import { execute } from './graphql-client.js';

export interface SeededCustomer {
  id: string;
  displayName: string;
}

/** Creates a customer through the public mutation, with a fresh id. */
export async function seedCustomer(
  url: string,
  displayName: string,
  interests: string[],
): Promise<SeededCustomer> {
  const id = randomUUID();
  const result = await execute(url, UpsertCustomerDocument, {
    input: { id, displayName, email: `${id}@example.com`, traits: { interests } },
  });
  if (result.errors) {
    throw new Error(`seeding ${displayName} failed: ${JSON.stringify(result.errors)}`);
  }
  return { id, displayName };
}

/**
 * Writes customers and family edges into the graph. (There is no GraphQL mutation for
 * relationships yet; this goes through the same CustomerGraph the demo loader uses.)
 */
export async function seedFamily(
  backends: Backends,
  members: readonly SeededCustomer[],
  edges: readonly { type: RelationshipType; from: SeededCustomer; to: SeededCustomer }[],
): Promise<void> {
  const graph = new CustomerGraph(backends.graph);
  await graph.mergeCustomers(members);
  for (const edge of edges) {
    await graph.mergeEdges(edge.type, [{ from: edge.from.id, to: edge.to.id }]);
  }
}

/** Removes the test's customers (and their edges) from the shared test graph. */
export async function removeFromGraph(backends: Backends, ids: readonly string[]): Promise<void> {
  await backends.graph.write('test.removeCustomers', (tx) =>
    tx.run('UNWIND $ids AS id MATCH (c:Customer {id: id}) DETACH DELETE c', { ids }),
  );
}
