import type { GraphDb } from '../../datasources/neo4j.js';
import { RELATIONSHIP_TYPES, type Relationship } from '../relationship/relationship.kinds.js';

/** One customer–customer relationship as the graph holds it. */
export interface GraphEdge {
  type: Relationship;
  from: string;
  to: string;
}

const EDGES_OF_CUSTOMERS = /* cypher */ `
UNWIND $ids AS id
MATCH (c:Customer {id: id})-[r]-(o:Customer)
WHERE type(r) IN $types
RETURN DISTINCT type(r) AS type, startNode(r).id AS from, endNode(r).id AS to`;

/** Reads what a merge is about to change in the graph, so an unmerge can put it back. */
export class MergeRecordGraph {
  constructor(private readonly graph: GraphDb) {}

  async edgesOf(customerId: string): Promise<GraphEdge[]> {
    const result = await this.graph.read('identity.edgesOfCustomers', (tx) =>
      tx.run(EDGES_OF_CUSTOMERS, { ids: [customerId], types: RELATIONSHIP_TYPES }),
    );
    return result.records.map((record) => ({
      type: record.get('type') as Relationship,
      from: record.get('from') as string,
      to: record.get('to') as string,
    }));
  }
}
