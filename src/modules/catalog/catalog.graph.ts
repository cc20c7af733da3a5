import type { GraphDb } from '../../datasources/neo4j.js';
import { latestById } from '../../lib/align-to-keys.js';
import type {
  CampaignUpsertedPayload,
  ContentUpsertedPayload,
  ProductUpsertedPayload,
} from './catalog.topics.js';

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

/**
 * Neo4j access for the catalog's own nodes: products and content filed in categories, and
 * campaigns. Written only by the relay, from the outbox; the last row for an id wins.
 */
export class CatalogGraph {
  constructor(private readonly graph: GraphDb) {}

  async mergeProducts(rows: readonly ProductUpsertedPayload[]): Promise<void> {
    await this.write('catalog.mergeProducts', MERGE_PRODUCTS, latestById(rows));
  }

  async mergeContent(rows: readonly ContentUpsertedPayload[]): Promise<void> {
    await this.write('catalog.mergeContent', MERGE_CONTENT, latestById(rows));
  }

  async mergeCampaigns(rows: readonly CampaignUpsertedPayload[]): Promise<void> {
    await this.write('catalog.mergeCampaigns', MERGE_CAMPAIGNS, latestById(rows));
  }

  private async write(name: string, statement: string, rows: readonly unknown[]): Promise<void> {
    await this.graph.write(name, (tx) => tx.run(statement, { rows }));
  }
}
