import type { GraphDb } from '../../datasources/neo4j.js';
import {
  INTERACTION_KINDS,
  INTERACTION_TARGETS,
  type InteractionKind,
  InteractionTarget,
} from './interaction.kinds.js';

/** Customer → catalog relationship types; the only ones that reach a statement's text. */
const CUSTOMER_EDGE_TYPES = [...INTERACTION_KINDS, 'TARGETED_BY', 'RESPONDED_TO'] as const;
type CustomerEdgeType = (typeof CUSTOMER_EDGE_TYPES)[number];

// Earlier and later of two datetimes where either may be missing (null).
const earlier = (a: string, b: string) =>
  `CASE WHEN ${a} IS NULL OR ${b} < ${a} THEN ${b} ELSE ${a} END`;
const later = (a: string, b: string) =>
  `CASE WHEN ${a} IS NULL OR ${b} > ${a} THEN ${b} ELSE ${a} END`;

const MERGE_TARGETED = /* cypher */ `
UNWIND $rows AS row
MERGE (c:Customer {id: row.customerId})
MERGE (k:Campaign {id: row.campaignId})
MERGE (c)-[r:TARGETED_BY]->(k)
SET r.at = ${later('r.at', 'datetime(row.at)')}`;

// Counts and times only ever grow: a late or repeated message never undoes a newer one.
const mergeInteractions = (target: InteractionTarget, kind: InteractionKind) => /* cypher */ `
UNWIND $rows AS row
MERGE (c:Customer {id: row.customerId})
MERGE (item:${target} {id: row.targetId})
MERGE (c)-[r:${kind}]->(item)
SET r.count = CASE WHEN r.count IS NULL OR row.count > r.count THEN toInteger(row.count) ELSE r.count END,
    r.firstAt = ${earlier('r.firstAt', 'datetime(row.firstAt)')},
    r.lastAt = ${later('r.lastAt', 'datetime(row.lastAt)')}`;

/** One statement per (item label, relationship type), built once from the fixed vocabulary. */
const MERGE_INTERACTIONS = new Map(
  INTERACTION_TARGETS.flatMap((target) =>
    INTERACTION_KINDS.map((kind) => [`${target}:${kind}`, mergeInteractions(target, kind)]),
  ),
);

const MERGE_RESPONDED = /* cypher */ `
UNWIND $rows AS row
MERGE (c:Customer {id: row.customerId})
MERGE (k:Campaign {id: row.targetId})
MERGE (c)-[r:RESPONDED_TO]->(k)
SET r.count = CASE WHEN r.count IS NULL OR row.count > r.count THEN toInteger(row.count) ELSE r.count END,
    r.lastAt = ${later('r.lastAt', 'datetime(row.lastAt)')}`;

/*
 * Moves a merged customer's edges of one type to the survivor, keeping the larger count and
 * the widest times; the old edge is deleted in the same statement. Counts are not added here:
 * the interaction module then sets the survivor's totals recounted from PostgreSQL, which
 * are right whatever was moved, and applying a merge twice changes nothing.
 */
const REPOINT = Object.fromEntries(
  CUSTOMER_EDGE_TYPES.map((type) => [
    type,
    /* cypher */ `
UNWIND $pairs AS pair
MATCH (m:Customer {id: pair.mergedId})-[old:${type}]->(x)
MERGE (s:Customer {id: pair.survivorId})
MERGE (s)-[r:${type}]->(x)
SET r.count = CASE WHEN old.count IS NULL THEN r.count
                   WHEN r.count IS NULL OR old.count > r.count THEN old.count ELSE r.count END,
    r.firstAt = CASE WHEN old.firstAt IS NULL THEN r.firstAt ELSE ${earlier('r.firstAt', 'old.firstAt')} END,
    r.lastAt = CASE WHEN old.lastAt IS NULL THEN r.lastAt ELSE ${later('r.lastAt', 'old.lastAt')} END,
    r.at = CASE WHEN old.at IS NULL THEN r.at ELSE ${later('r.at', 'old.at')} END
DELETE old`,
  ]),
) as Record<CustomerEdgeType, string>;

// At most $first items per (customer, kind, item label), most recent first.
const INTERACTIONS_BY_CUSTOMER_IDS = /* cypher */ `
UNWIND $customerIds AS customerId
MATCH (:Customer {id: customerId})-[r:${INTERACTION_KINDS.join('|')}]->(x)
WHERE x:Product OR x:Content
WITH customerId, type(r) AS kind, CASE WHEN x:Product THEN 'Product' ELSE 'Content' END AS target,
  x.id AS itemId, r
ORDER BY r.lastAt DESC, itemId
WITH customerId, kind, target, collect({itemId: itemId, count: r.count,
  firstAt: toString(r.firstAt), lastAt: toString(r.lastAt)}) AS items
RETURN customerId, kind, target, items[0..toInteger($first)] AS items`;

const CAMPAIGNS_BY_CUSTOMER_IDS = /* cypher */ `
UNWIND $customerIds AS customerId
MATCH (:Customer {id: customerId})-[r:TARGETED_BY|RESPONDED_TO]->(k:Campaign)
WITH customerId, k.id AS campaignId,
  max(CASE WHEN type(r) = 'TARGETED_BY' THEN r.at END) AS targetedAt,
  sum(CASE WHEN type(r) = 'RESPONDED_TO' THEN r.count ELSE 0 END) AS responses,
  max(CASE WHEN type(r) = 'RESPONDED_TO' THEN r.lastAt END) AS lastRespondedAt
WITH customerId, campaignId, targetedAt, responses, lastRespondedAt,
  ${later('targetedAt', 'lastRespondedAt')} AS latest
ORDER BY latest DESC, campaignId
WITH customerId, collect({campaignId: campaignId, targetedAt: toString(targetedAt),
  responses: responses, lastRespondedAt: toString(lastRespondedAt)}) AS items
RETURN customerId, items[0..toInteger($first)] AS items`;

/** One customer's figures for one kind of interaction with one product or content item. */
export interface InteractionRecord {
  customerId: string;
  kind: InteractionKind;
  /** Exactly one of productId and contentId is set, as the item is one or the other. */
  productId: string | null;
  contentId: string | null;
  count: number;
  firstAt: Date;
  lastAt: Date;
}

export interface CampaignRecord {
  customerId: string;
  campaignId: string;
  targetedAt: Date | null;
  responses: number;
  lastRespondedAt: Date | null;
}

/** Absolute figures of one customer with one catalog item, from the events table. */
export interface Tally {
  customerId: string;
  targetId: string;
  count: number;
  firstAt: Date;
  lastAt: Date;
}

/** Figures for one kind of interaction with one product or content item. */
export interface ItemTally extends Tally {
  kind: InteractionKind;
  target: InteractionTarget;
}

/**
 * Neo4j access for what customers did with the catalog: one edge type per interaction kind
 * (interaction.kinds.ts) to products and content items, TARGETED_BY and RESPONDED_TO edges to
 * campaigns. Written only by the relay.
 */
export class InteractionGraph {
  constructor(private readonly graph: GraphDb) {}

  /**
   * Every customer's interactions, at most `first` products and `first` content items per
   * kind, most recent first, in one round trip.
   */
  async listInteractionsByCustomerIds(
    customerIds: readonly string[],
    first: number,
  ): Promise<InteractionRecord[]> {
    const result = await this.graph.read('interaction.listInteractionsByCustomerIds', (tx) =>
      tx.run(INTERACTIONS_BY_CUSTOMER_IDS, { customerIds, first }),
    );
    return result.records.flatMap((record) => {
      const items = record.get('items') as {
        itemId: string;
        count: number;
        firstAt: string;
        lastAt: string;
      }[];
      const isProduct = record.get('target') === InteractionTarget.PRODUCT;
      return items.map((item) => ({
        customerId: record.get('customerId') as string,
        kind: record.get('kind') as InteractionKind,
        productId: isProduct ? item.itemId : null,
        contentId: isProduct ? null : item.itemId,
        count: item.count,
        firstAt: new Date(item.firstAt),
        lastAt: new Date(item.lastAt),
      }));
    });
  }

  /** Every customer's campaigns (targeted or responded), most recent first, in one round trip. */
  async listCampaignsByCustomerIds(
    customerIds: readonly string[],
    first: number,
  ): Promise<CampaignRecord[]> {
    const result = await this.graph.read('interaction.listCampaignsByCustomerIds', (tx) =>
      tx.run(CAMPAIGNS_BY_CUSTOMER_IDS, { customerIds, first }),
    );
    return result.records.flatMap((record) => {
      const items = record.get('items') as {
        campaignId: string;
        targetedAt: string | null;
        responses: number;
        lastRespondedAt: string | null;
      }[];
      return items.map((item) => ({
        customerId: record.get('customerId') as string,
        campaignId: item.campaignId,
        targetedAt: item.targetedAt === null ? null : new Date(item.targetedAt),
        responses: item.responses,
        lastRespondedAt: item.lastRespondedAt === null ? null : new Date(item.lastRespondedAt),
      }));
    });
  }

  /**
   * Sets absolute interaction figures (per item label and kind) and campaign responses in one
   * transaction; counts and times only grow, so a late or repeated write never undoes a newer
   * one.
   */
  async setTallies(items: readonly ItemTally[], responses: readonly Tally[]): Promise<void> {
    const row = (t: Tally) => ({
      customerId: t.customerId,
      targetId: t.targetId,
      count: t.count,
      firstAt: t.firstAt.toISOString(),
      lastAt: t.lastAt.toISOString(),
    });
    await this.graph.write('interaction.setTallies', async (tx) => {
      for (const [key, statement] of MERGE_INTERACTIONS) {
        const rows = items.filter((t) => `${t.target}:${t.kind}` === key).map(row);
        if (rows.length > 0) {
          await tx.run(statement, { rows });
        }
      }
      if (responses.length > 0) {
        await tx.run(MERGE_RESPONDED, { rows: responses.map(row) });
      }
    });
  }

  /** Records that campaigns targeted customers (the latest time wins). */
  async mergeTargeted(
    rows: readonly { campaignId: string; customerId: string; at: string }[],
  ): Promise<void> {
    await this.graph.write('interaction.mergeTargeted', (tx) => tx.run(MERGE_TARGETED, { rows }));
  }

  /**
   * Moves merged customers' catalog edges to their survivors. Runs before the merged nodes are
   * deleted (customer module), which would otherwise take the edges with them.
   */
  async repointCustomers(pairs: readonly { mergedId: string; survivorId: string }[]) {
    await this.graph.write('interaction.repointCustomers', async (tx) => {
      for (const type of CUSTOMER_EDGE_TYPES) {
        await tx.run(REPOINT[type], { pairs });
      }
    });
  }
}
