import type { GraphDb } from '../../datasources/neo4j.js';
import { FamilyRelation } from './customer.type.js';

export interface RelativeRecord {
  customerId: string;
  relativeId: string;
  relation: FamilyRelation;
}

/*
 * `(a)-[:PARENT_OF]->(b)` means a is b's parent. Read from the customer's side: an outgoing
 * PARENT_OF makes the other node their CHILD, an incoming one their PARENT.
 */
const RELATIVES_BY_CUSTOMER_IDS = /* cypher */ `
UNWIND $customerIds AS customerId
MATCH (c:Customer {id: customerId})-[r:SPOUSE_OF|PARENT_OF|SIBLING_OF]-(other:Customer)
RETURN customerId, other.id AS relativeId, type(r) AS type, startNode(r) = c AS outgoing
ORDER BY customerId, type, relativeId`;

const MERGE_CUSTOMERS = /* cypher */ `
UNWIND $customers AS row
MERGE (c:Customer {id: row.id})
SET c.displayName = row.displayName`;

/** Relationship types c360 writes; only these names ever reach a Cypher statement. */
export type FamilyEdgeType = 'SPOUSE_OF' | 'PARENT_OF' | 'SIBLING_OF';

const MERGE_FAMILY_EDGES: Record<FamilyEdgeType, string> = {
  SPOUSE_OF: `UNWIND $edges AS e MATCH (a:Customer {id: e.from}), (b:Customer {id: e.to}) MERGE (a)-[:SPOUSE_OF]->(b)`,
  PARENT_OF: `UNWIND $edges AS e MATCH (a:Customer {id: e.from}), (b:Customer {id: e.to}) MERGE (a)-[:PARENT_OF]->(b)`,
  SIBLING_OF: `UNWIND $edges AS e MATCH (a:Customer {id: e.from}), (b:Customer {id: e.to}) MERGE (a)-[:SIBLING_OF]->(b)`,
};

/** Neo4j access for the customer–customer family graph. */
export class CustomerGraph {
  constructor(private readonly graph: GraphDb) {}

  /** Every relative of every given customer, in one round trip. */
  async listRelativesByCustomerIds(customerIds: readonly string[]): Promise<RelativeRecord[]> {
    const result = await this.graph.read('customer.listRelativesByCustomerIds', (tx) =>
      tx.run(RELATIVES_BY_CUSTOMER_IDS, { customerIds }),
    );
    return result.records.map((record) => ({
      customerId: record.get('customerId') as string,
      relativeId: record.get('relativeId') as string,
      relation: toRelation(record.get('type') as string, record.get('outgoing') as boolean),
    }));
  }

  async mergeCustomers(customers: readonly { id: string; displayName: string }[]): Promise<void> {
    await this.graph.write('customer.mergeCustomers', (tx) =>
      tx.run(MERGE_CUSTOMERS, { customers }),
    );
  }

  async mergeFamilyEdges(
    type: FamilyEdgeType,
    edges: readonly { from: string; to: string }[],
  ): Promise<void> {
    await this.graph.write(`customer.mergeFamilyEdges.${type}`, (tx) =>
      tx.run(MERGE_FAMILY_EDGES[type], { edges }),
    );
  }
}

function toRelation(type: string, outgoing: boolean): FamilyRelation {
  if (type === 'SPOUSE_OF') return FamilyRelation.SPOUSE;
  if (type === 'SIBLING_OF') return FamilyRelation.SIBLING;
  return outgoing ? FamilyRelation.CHILD : FamilyRelation.PARENT;
}
