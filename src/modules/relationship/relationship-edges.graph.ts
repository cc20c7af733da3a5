import type { GraphDb } from '../../datasources/neo4j.js';
import {
  DIRECTED_RELATIONSHIPS,
  RELATIONSHIP_TYPES,
  type Relationship,
} from './relationship.kinds.js';

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
MATCH (:Customer {id: e.from})-[r:${type}]-${DIRECTED_RELATIONSHIPS.has(type) ? '>' : ''}(:Customer {id: e.to})
DELETE r`,
);

// Re-point every relationship of a merged node to its survivor (dropping those between the
// two). One pair of statements per type: types cannot be
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

function statementsByType(build: (type: Relationship) => string): Record<Relationship, string> {
  return Object.fromEntries(RELATIONSHIP_TYPES.map((type) => [type, build(type)])) as Record<
    Relationship,
    string
  >;
}

/**
 * Neo4j writes of customer–customer relationships, applied by the relay from the outbox
 * (relationship.module.ts); requests never write the graph directly.
 */
export class RelationshipEdgesGraph {
  constructor(private readonly graph: GraphDb) {}

  async mergeEdges(type: Relationship, edges: readonly Edge[]): Promise<void> {
    await this.graph.write(`relationship.mergeEdges.${type}`, (tx) =>
      tx.run(MERGE_EDGES[type], { edges }),
    );
  }

  async deleteEdges(type: Relationship, edges: readonly Edge[]): Promise<void> {
    await this.graph.write(`relationship.deleteEdges.${type}`, (tx) =>
      tx.run(DELETE_EDGES[type], { edges }),
    );
  }

  /**
   * Moves each merged customer's relationships to its survivor (dropping those between the
   * two), in one transaction. The merged node itself is deleted by the customer module, after
   * every module has moved its edges.
   */
  async repointCustomers(pairs: readonly { mergedId: string; survivorId: string }[]) {
    await this.graph.write('relationship.repointCustomers', async (tx) => {
      for (const type of RELATIONSHIP_TYPES) {
        await tx.run(REPOINT_OUTGOING[type], { pairs });
        await tx.run(REPOINT_INCOMING[type], { pairs });
      }
    });
  }
}
