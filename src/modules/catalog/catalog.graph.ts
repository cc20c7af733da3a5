import type { GraphDb } from '../../datasources/neo4j.js';
import type { ClaimedMessage } from '../../outbox/outbox.store.js';
import { INTERACTION_KINDS, type InteractionKind } from './interaction.type.js';

/** What the relay applies for the catalog; times are ISO strings (outbox payloads are JSON). */
export interface CatalogOutboxPayloads {
  'graph.product.upserted': { id: string; sku: string; name: string; categories: string[] };
  'graph.content.upserted': { id: string; title: string; categories: string[] };
  'graph.campaign.upserted': { id: string; name: string };
  'graph.campaign.targeted': { campaignId: string; customerId: string; at: string };
  /** Absolute figures from the events table: applying one twice, or late, changes nothing. */
  'graph.interaction.counted': {
    type: InteractionKind;
    customerId: string;
    productId: string;
    count: number;
    firstAt: string;
    lastAt: string;
  };
  'graph.campaign.responded': {
    customerId: string;
    campaignId: string;
    count: number;
    lastAt: string;
  };
}

export type CatalogTopic = keyof CatalogOutboxPayloads;

const CATALOG_TOPICS = new Set<string>([
  'graph.product.upserted',
  'graph.content.upserted',
  'graph.campaign.upserted',
  'graph.campaign.targeted',
  'graph.interaction.counted',
  'graph.campaign.responded',
] satisfies CatalogTopic[]);

export function isCatalogTopic(topic: string): topic is CatalogTopic {
  return CATALOG_TOPICS.has(topic);
}

/** Customer → catalog relationship types; the only ones that reach a statement's text. */
const CUSTOMER_EDGE_TYPES = [...INTERACTION_KINDS, 'TARGETED_BY', 'RESPONDED_TO'] as const;
type CustomerEdgeType = (typeof CUSTOMER_EDGE_TYPES)[number];

// Earlier and later of two datetimes where either may be missing (null).
const earlier = (a: string, b: string) =>
  `CASE WHEN ${a} IS NULL OR ${b} < ${a} THEN ${b} ELSE ${a} END`;
const later = (a: string, b: string) =>
  `CASE WHEN ${a} IS NULL OR ${b} > ${a} THEN ${b} ELSE ${a} END`;

/*
 * Replaces the item's categories: edges to categories it no longer has go, new ones come. Rows
 * are unique per id (see apply), or two rows for one item would union their categories.
 */
const mergeFiled = (label: 'Product' | 'Content', set: string) => /* cypher */ `
UNWIND $rows AS row
MERGE (n:${label} {id: row.id})
SET ${set}
WITH n, row
OPTIONAL MATCH (n)-[old:IN_CATEGORY]->(c:Category)
WHERE NOT c.name IN row.categories
DELETE old
WITH DISTINCT n, row
UNWIND row.categories AS name
MERGE (c:Category {name: name})
MERGE (n)-[:IN_CATEGORY]->(c)`;

const MERGE_PRODUCTS = mergeFiled('Product', 'n.sku = row.sku, n.name = row.name');
const MERGE_CONTENT = mergeFiled('Content', 'n.title = row.title');

const MERGE_CAMPAIGNS = /* cypher */ `
UNWIND $rows AS row
MERGE (k:Campaign {id: row.id})
SET k.name = row.name`;

const MERGE_TARGETED = /* cypher */ `
UNWIND $rows AS row
MERGE (c:Customer {id: row.customerId})
MERGE (k:Campaign {id: row.campaignId})
MERGE (c)-[r:TARGETED_BY]->(k)
SET r.at = ${later('r.at', 'datetime(row.at)')}`;

// Counts and times only ever grow: a late or repeated message never undoes a newer one.
const MERGE_INTERACTIONS = Object.fromEntries(
  INTERACTION_KINDS.map((kind) => [
    kind,
    /* cypher */ `
UNWIND $rows AS row
MERGE (c:Customer {id: row.customerId})
MERGE (p:Product {id: row.productId})
MERGE (c)-[r:${kind}]->(p)
SET r.count = CASE WHEN r.count IS NULL OR row.count > r.count THEN toInteger(row.count) ELSE r.count END,
    r.firstAt = ${earlier('r.firstAt', 'datetime(row.firstAt)')},
    r.lastAt = ${later('r.lastAt', 'datetime(row.lastAt)')}`,
  ]),
) as Record<InteractionKind, string>;

const MERGE_RESPONDED = /* cypher */ `
UNWIND $rows AS row
MERGE (c:Customer {id: row.customerId})
MERGE (k:Campaign {id: row.campaignId})
MERGE (c)-[r:RESPONDED_TO]->(k)
SET r.count = CASE WHEN r.count IS NULL OR row.count > r.count THEN toInteger(row.count) ELSE r.count END,
    r.lastAt = ${later('r.lastAt', 'datetime(row.lastAt)')}`;

/*
 * Moves a merged customer's edges of one type to the survivor, keeping the larger count and
 * the widest times; the old edge is deleted in the same statement. Counts are not added here:
 * the merge transaction also queues the survivor's recounted totals (identity/merge.service),
 * which are right whether a relay applies them before or after this move, and applying a merge
 * twice changes nothing.
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

const INTERACTIONS_BY_CUSTOMER_IDS = /* cypher */ `
UNWIND $customerIds AS customerId
MATCH (:Customer {id: customerId})-[r:VIEWED|CARTED|PURCHASED]->(p:Product)
WITH customerId, type(r) AS kind, p.id AS productId, r
ORDER BY r.lastAt DESC, productId
WITH customerId, kind, collect({productId: productId, count: r.count,
  firstAt: toString(r.firstAt), lastAt: toString(r.lastAt)}) AS items
RETURN customerId, kind, items[0..toInteger($first)] AS items`;

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

export interface InteractionRecord {
  customerId: string;
  kind: InteractionKind;
  productId: string;
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

/** Neo4j access for the commerce graph: catalog nodes and what customers did with them. */
export class CatalogGraph {
  constructor(private readonly graph: GraphDb) {}

  /**
   * Every customer's interactions, at most `first` products per kind, most recent first, in
   * one round trip.
   */
  async listInteractionsByCustomerIds(
    customerIds: readonly string[],
    first: number,
  ): Promise<InteractionRecord[]> {
    const result = await this.graph.read('catalog.listInteractionsByCustomerIds', (tx) =>
      tx.run(INTERACTIONS_BY_CUSTOMER_IDS, { customerIds, first }),
    );
    return result.records.flatMap((record) => {
      const items = record.get('items') as {
        productId: string;
        count: number;
        firstAt: string;
        lastAt: string;
      }[];
      return items.map((item) => ({
        customerId: record.get('customerId') as string,
        kind: record.get('kind') as InteractionKind,
        productId: item.productId,
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
    const result = await this.graph.read('catalog.listCampaignsByCustomerIds', (tx) =>
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
   * Applies one run of outbox messages of one catalog topic (and, for interactions, one kind)
   * with one UNWIND statement.
   */
  async apply(topic: CatalogTopic, run: readonly ClaimedMessage[]): Promise<void> {
    const rows = run.map((message) => message.payload);
    switch (topic) {
      case 'graph.product.upserted':
        return this.write(`catalog.mergeProducts`, MERGE_PRODUCTS, latestById(rows));
      case 'graph.content.upserted':
        return this.write(`catalog.mergeContent`, MERGE_CONTENT, latestById(rows));
      case 'graph.campaign.upserted':
        return this.write(`catalog.mergeCampaigns`, MERGE_CAMPAIGNS, latestById(rows));
      case 'graph.campaign.targeted':
        return this.write(`catalog.mergeTargeted`, MERGE_TARGETED, rows);
      case 'graph.campaign.responded':
        return this.write(`catalog.mergeResponded`, MERGE_RESPONDED, rows);
      case 'graph.interaction.counted': {
        const kind = (rows[0] as CatalogOutboxPayloads[typeof topic]).type;
        return this.write(`catalog.mergeInteractions.${kind}`, MERGE_INTERACTIONS[kind], rows);
      }
    }
  }

  /**
   * Moves merged customers' catalog edges to their survivors. Run before the merged nodes are
   * deleted (CustomerGraph.mergeNodes), which would otherwise take the edges with them.
   */
  async repointCustomers(pairs: readonly { mergedId: string; survivorId: string }[]) {
    await this.graph.write('catalog.repointCustomers', async (tx) => {
      for (const type of CUSTOMER_EDGE_TYPES) {
        await tx.run(REPOINT[type], { pairs });
      }
    });
  }

  private async write(name: string, statement: string, rows: readonly unknown[]): Promise<void> {
    await this.graph.write(name, (tx) => tx.run(statement, { rows }));
  }
}

/** One row per id, the last one winning: an item changed twice in a run ends as changed last. */
function latestById(rows: readonly unknown[]): unknown[] {
  return [...new Map(rows.map((row) => [(row as { id: string }).id, row])).values()];
}
