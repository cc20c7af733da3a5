import type { GraphDb } from '../../datasources/neo4j.js';

/** A product the knowledge graph proposes for a customer, and through whom or what. */
export interface GraphProposal {
  source: 'FAMILY' | 'CAMPAIGN';
  itemId: string;
  /** The relative (FAMILY) or the campaign (CAMPAIGN). */
  evidenceId: string;
  /** The relationship type (FAMILY) or the campaign's name (CAMPAIGN). */
  detail: string;
  score: number;
}

const FAMILY_TYPES = 'SPOUSE_OF|PARENT_OF|SIBLING_OF|HOUSEHOLD_MEMBER';

// One autocommit statement, one round trip: what relatives bought or wished for (a purchase
// weighs 5, a wish 2, as in preference vectors), and what the responders of campaigns that
// target the customer bought.
const PROPOSALS = /* cypher */ `
MATCH (c:Customer {id: $customerId})
CALL (c) {
  MATCH (c)-[rel:${FAMILY_TYPES}]-(r:Customer)-[i:PURCHASED|WISHLISTED]->(p:Product)
  WHERE r <> c
  WITH p, r, type(rel) AS detail,
       sum(CASE type(i) WHEN 'PURCHASED' THEN 5.0 ELSE 2.0 END * coalesce(i.count, 1)) AS score
  ORDER BY score DESC LIMIT $limit
  RETURN 'FAMILY' AS source, p.id AS itemId, r.id AS evidenceId, detail, score
  UNION ALL
  MATCH (c)-[:TARGETED_BY]->(k:Campaign)<-[:RESPONDED_TO]-(o:Customer)-[:PURCHASED]->(p:Product)
  WHERE o <> c
  WITH p, k, count(DISTINCT o) * 1.0 AS score
  ORDER BY score DESC LIMIT $limit
  RETURN 'CAMPAIGN' AS source, p.id AS itemId, k.id AS evidenceId, coalesce(k.name, '') AS detail, score
}
RETURN source, itemId, evidenceId, detail, score`;

const RELATION = /* cypher */ `
MATCH (c:Customer {id: $customerId})-[rel:${FAMILY_TYPES}]-(r:Customer {id: $relativeId})
RETURN type(rel) AS type LIMIT 1`;

/** The knowledge-graph signals of recommendations: family and campaigns. */
export class RecommendationGraph {
  constructor(private readonly graph: GraphDb) {}

  async proposals(customerId: string, limit: number): Promise<GraphProposal[]> {
    return this.graph.read('recommendation.proposals', async (tx) => {
      const result = await tx.run(PROPOSALS, { customerId, limit: BigInt(limit) });
      return result.records.map((record) => ({
        source: record.get('source') as 'FAMILY' | 'CAMPAIGN',
        itemId: record.get('itemId') as string,
        evidenceId: record.get('evidenceId') as string,
        detail: record.get('detail') as string,
        score: Number(record.get('score')),
      }));
    });
  }

  /** How the relative is related to the customer (a family relationship type), or null. */
  async relation(customerId: string, relativeId: string): Promise<string | null> {
    return this.graph.read('recommendation.relation', async (tx) => {
      const result = await tx.run(RELATION, { customerId, relativeId });
      return (result.records[0]?.get('type') as string | undefined) ?? null;
    });
  }
}
