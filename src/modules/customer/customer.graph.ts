import type { GraphDb } from '../../datasources/neo4j.js';

const MERGE_CUSTOMERS = /* cypher */ `
UNWIND $customers AS row
MERGE (c:Customer {id: row.id})
SET c.displayName = row.displayName`;

/**
 * Neo4j access for Customer nodes themselves: created and renamed from the outbox, removed on
 * erasure and, after a merge, once every module has moved the merged node's edges. Edges
 * belong to the modules that own them (relationship, interaction).
 */
export class CustomerGraph {
  constructor(private readonly graph: GraphDb) {}

  async mergeCustomers(customers: readonly { id: string; displayName: string }[]): Promise<void> {
    await this.graph.write('customer.mergeCustomers', (tx) =>
      tx.run(MERGE_CUSTOMERS, { customers }),
    );
  }

  /** Removes customers' nodes with all their relationships; relatives keep their own nodes. */
  async deleteNodes(ids: readonly string[]): Promise<void> {
    await this.graph.write('customer.deleteNodes', (tx) =>
      tx.run('UNWIND $ids AS id MATCH (c:Customer {id: id}) DETACH DELETE c', { ids }),
    );
  }
}
