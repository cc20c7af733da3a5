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

/**
 * Customer–customer relationship types, the only names that ever reach a Cypher statement
 * (statements are built from this list, never from input). `PARENT_OF` and `REFERRED` are
 * directed; the others mean the same read either way.
 */
export const RELATIONSHIP_TYPES = [
  'SPOUSE_OF',
  'PARENT_OF',
  'SIBLING_OF',
  'HOUSEHOLD_MEMBER',
  'REFERRED',
] as const;
export type RelationshipType = (typeof RELATIONSHIP_TYPES)[number];
const DIRECTED = new Set<RelationshipType>(['PARENT_OF', 'REFERRED']);

export interface Edge {
  from: string;
  to: string;
}

// MERGE the end nodes too: a relationship may be relayed before its customers' own messages.
const MERGE_EDGES = statementsByType(
  (type) => `UNWIND $edges AS e
MERGE (a:Customer {id: e.from})
MERGE (b:Customer {id: e.to})
MERGE (a)-[:${type}]->(b)`,
);

const DELETE_EDGES = statementsByType(
  (type) => `UNWIND $edges AS e
MATCH (:Customer {id: e.from})-[r:${type}]-${DIRECTED.has(type) ? '>' : ''}(:Customer {id: e.to})
DELETE r`,
);

// Re-point every relationship of a merged node to its survivor (dropping those between the
// two), then remove the merged node. One pair of statements per type: types cannot be
// parameters in Cypher, and APOC is not worth a dependency for this.
const REPOINT_OUTGOING = statementsByType(
  (type) => `UNWIND $pairs AS p
MATCH (m:Customer {id: p.mergedId})-[:${type}]->(o:Customer)
WHERE o.id <> p.survivorId
MERGE (s:Customer {id: p.survivorId})
MERGE (s)-[:${type}]->(o)`,
);

const REPOINT_INCOMING = statementsByType(
  (type) => `UNWIND $pairs AS p
MATCH (o:Customer)-[:${type}]->(m:Customer {id: p.mergedId})
WHERE o.id <> p.survivorId
MERGE (s:Customer {id: p.survivorId})
MERGE (o)-[:${type}]->(s)`,
);

const DELETE_MERGED = `UNWIND $pairs AS p
MATCH (m:Customer {id: p.mergedId})
DETACH DELETE m`;

function statementsByType(
  build: (type: RelationshipType) => string,
): Record<RelationshipType, string> {
  return Object.fromEntries(RELATIONSHIP_TYPES.map((type) => [type, build(type)])) as Record<
    RelationshipType,
    string
  >;
}

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

  async mergeEdges(type: RelationshipType, edges: readonly Edge[]): Promise<void> {
    await this.graph.write(`customer.mergeEdges.${type}`, (tx) =>
      tx.run(MERGE_EDGES[type], { edges }),
    );
  }

  /** Folds each merged customer's node into its survivor's, in one transaction. */
  async mergeNodes(pairs: readonly { mergedId: string; survivorId: string }[]): Promise<void> {
    await this.graph.write('customer.mergeNodes', async (tx) => {
      for (const type of RELATIONSHIP_TYPES) {
        await tx.run(REPOINT_OUTGOING[type], { pairs });
        await tx.run(REPOINT_INCOMING[type], { pairs });
      }
      await tx.run(DELETE_MERGED, { pairs });
    });
  }

  /** Every relationship of one customer, of any type, as seen from their side (for exports). */
  async listRelationships(
    customerId: string,
  ): Promise<{ type: string; direction: 'out' | 'in'; otherId: string }[]> {
    const result = await this.graph.read('customer.listRelationships', (tx) =>
      tx.run(
        `MATCH (c:Customer {id: $customerId})-[r]-(o:Customer)
RETURN type(r) AS type, startNode(r) = c AS outgoing, o.id AS otherId
ORDER BY type, otherId`,
        { customerId },
      ),
    );
    return result.records.map((r) => ({
      type: r.get('type') as string,
      direction: r.get('outgoing') ? 'out' : 'in',
      otherId: r.get('otherId') as string,
    }));
  }

  /** Removes customers' nodes with all their relationships; relatives keep their own nodes. */
  async deleteNodes(ids: readonly string[]): Promise<void> {
    await this.graph.write('customer.deleteNodes', (tx) =>
      tx.run('UNWIND $ids AS id MATCH (c:Customer {id: id}) DETACH DELETE c', { ids }),
    );
  }

  async deleteEdges(type: RelationshipType, edges: readonly Edge[]): Promise<void> {
    await this.graph.write(`customer.deleteEdges.${type}`, (tx) =>
      tx.run(DELETE_EDGES[type], { edges }),
    );
  }
}

function toRelation(type: string, outgoing: boolean): FamilyRelation {
  if (type === 'SPOUSE_OF') {
    return FamilyRelation.SPOUSE;
  }
  if (type === 'SIBLING_OF') {
    return FamilyRelation.SIBLING;
  }
  return outgoing ? FamilyRelation.CHILD : FamilyRelation.PARENT;
}
