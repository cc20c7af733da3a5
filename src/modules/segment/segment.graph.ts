import type { GraphDb } from '../../datasources/neo4j.js';
import { RELATIONSHIP_TYPES } from '../relationship/relationship.kinds.js';
import type { Direction } from './rule/rule.js';

/** Named Cypher for what segment rules read from the graph. */
export class SegmentGraph {
  constructor(private readonly graph: GraphDb) {}

  /**
   * Each customer's relatives by relationship `type`, read in `direction` (for the directed
   * types: outgoing means the customer is the parent or referrer).
   */
  async relatives(
    customerIds: readonly string[],
    type: string,
    direction: Direction,
  ): Promise<Map<string, string[]>> {
    if (customerIds.length === 0) {
      return new Map();
    }
    // The type is spliced into the statement, so it must be one of the known names.
    if (!RELATIONSHIP_TYPES.includes(type as never)) {
      throw new Error(`unknown relationship type ${type}`);
    }
    const pattern =
      direction === 'outgoing'
        ? `-[:${type}]->`
        : direction === 'incoming'
          ? `<-[:${type}]-`
          : `-[:${type}]-`;
    const rows = await this.graph.read('segment.relatives', async (tx) => {
      const result = await tx.run(
        `UNWIND $ids AS id
         MATCH (c:Customer {id: id})${pattern}(other:Customer)
         RETURN id, collect(DISTINCT other.id) AS relatives`,
        { ids: customerIds },
      );
      return result.records.map((r) => [r.get('id') as string, r.get('relatives') as string[]]);
    });
    return new Map(rows as [string, string[]][]);
  }

  /** Relatives of the customers by any of `types`, either direction (who a change reaches). */
  async anyRelatives(customerIds: readonly string[], types: readonly string[]): Promise<string[]> {
    const known = types.filter((t) => RELATIONSHIP_TYPES.includes(t as never));
    if (customerIds.length === 0 || known.length === 0) {
      return [];
    }
    return this.graph.read('segment.anyRelatives', async (tx) => {
      const result = await tx.run(
        `UNWIND $ids AS id
         MATCH (:Customer {id: id})-[:${known.join('|')}]-(other:Customer)
         RETURN DISTINCT other.id AS id`,
        { ids: customerIds },
      );
      return result.records.map((r) => r.get('id') as string);
    });
  }

  /** Which of the customers the campaign targeted. */
  async targeted(customerIds: readonly string[], campaignId: string): Promise<string[]> {
    if (customerIds.length === 0) {
      return [];
    }
    return this.graph.read('segment.targeted', async (tx) => {
      const result = await tx.run(
        `UNWIND $ids AS id
         MATCH (:Customer {id: id})-[:TARGETED_BY]->(:Campaign {id: $campaignId})
         RETURN DISTINCT id`,
        { ids: customerIds, campaignId },
      );
      return result.records.map((r) => r.get('id') as string);
    });
  }
}
