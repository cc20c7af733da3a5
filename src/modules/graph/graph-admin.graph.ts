import type { GraphDb } from '../../datasources/neo4j.js';
import type { CampaignTargetRow } from '../catalog/campaign-target.store.js';
import { RELATIONSHIP_TYPES, type Relationship } from '../relationship/relationship.kinds.js';
import type { RelationshipRow } from '../relationship/relationship.store.js';

const DELETE_BATCH = /* cypher */ `
MATCH (n)
WITH n LIMIT toInteger($limit)
DETACH DELETE n
RETURN count(*) AS deleted`;

const DELETE_CUSTOMERS = /* cypher */ `
UNWIND $ids AS id
MATCH (c:Customer {id: id})
DETACH DELETE c`;

// One page of customer nodes (by their unique id), with their outgoing relationship edges.
const RELATIONSHIPS_AFTER = /* cypher */ `
MATCH (a:Customer)
WHERE $after IS NULL OR a.id > $after
WITH a ORDER BY a.id LIMIT toInteger($limit)
OPTIONAL MATCH (a)-[r:${RELATIONSHIP_TYPES.join('|')}]->(b:Customer)
RETURN a.id AS customerId, collect({type: type(r), to: b.id}) AS edges
ORDER BY customerId`;

const ANY_KEPT_EDGE = /* cypher */ `
MATCH (:Customer)-[r:${[...RELATIONSHIP_TYPES, 'TARGETED_BY'].join('|')}]->()
RETURN true AS found
LIMIT 1`;

const TARGETS_OF = /* cypher */ `
UNWIND $customerIds AS customerId
MATCH (:Customer {id: customerId})-[t:TARGETED_BY]->(k:Campaign)
RETURN customerId, k.id AS campaignId, toString(t.at) AS at`;

/** One page of what the graph holds that PostgreSQL must also hold (the backfill's input). */
export interface GraphEdgePage {
  relationships: RelationshipRow[];
  targets: CampaignTargetRow[];
  /** The last customer of the page, to pass as `after`; null when the graph has no more. */
  next: string | null;
}

/**
 * Whole-graph operations of `c360 graph rebuild` and `backfill`: counting, wiping in batches,
 * and reading the edges that used to exist only in Neo4j. Projection itself goes through the
 * modules' appliers, never through here.
 */
export class GraphAdminGraph {
  constructor(private readonly graph: GraphDb) {}

  async countNodes(): Promise<number> {
    const result = await this.graph.read('graph.countNodes', (tx) =>
      tx.run('MATCH (n) RETURN count(n) AS count'),
    );
    return Number(result.records[0]!.get('count'));
  }

  /**
   * Deletes up to `limit` nodes with their edges, in one transaction, so a large graph is
   * wiped without one huge transaction.
   *
   * @returns how many were deleted (0 once the graph is empty).
   */
  async deleteBatch(limit: number): Promise<number> {
    const result = await this.graph.write('graph.deleteBatch', (tx) =>
      tx.run(DELETE_BATCH, { limit }),
    );
    return Number(result.records[0]!.get('deleted'));
  }

  /** Removes customers' nodes with all their edges (before they are projected again). */
  async deleteCustomers(ids: readonly string[]): Promise<void> {
    await this.graph.write('graph.deleteCustomers', (tx) => tx.run(DELETE_CUSTOMERS, { ids }));
  }

  /** Whether the graph holds any relationship or targeting edge. */
  async hasRelationshipsOrTargets(): Promise<boolean> {
    const result = await this.graph.read('graph.hasRelationshipsOrTargets', (tx) =>
      tx.run(ANY_KEPT_EDGE),
    );
    return result.records.length > 0;
  }

  /** Relationship and targeting edges of up to `limit` customer nodes after `after`. */
  async listEdgePage(after: string | null, limit: number): Promise<GraphEdgePage> {
    const page = await this.graph.read('graph.listRelationshipsPage', (tx) =>
      tx.run(RELATIONSHIPS_AFTER, { after, limit }),
    );
    const customerIds = page.records.map((r) => r.get('customerId') as string);
    const relationships = page.records.flatMap((record) =>
      (record.get('edges') as { type: Relationship | null; to: string | null }[]).flatMap((e) =>
        e.type === null || e.to === null
          ? []
          : [{ type: e.type, from: record.get('customerId') as string, to: e.to }],
      ),
    );
    const targets = await this.graph.read('graph.listTargets', (tx) =>
      tx.run(TARGETS_OF, { customerIds }),
    );
    return {
      relationships,
      targets: targets.records.map((r) => ({
        customerId: r.get('customerId') as string,
        campaignId: r.get('campaignId') as string,
        at: r.get('at') as string,
      })),
      next: customerIds.length < limit ? null : customerIds.at(-1)!,
    };
  }
}
