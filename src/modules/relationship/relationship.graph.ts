import type { GraphDb } from '../../datasources/neo4j.js';
import {
  FamilyRelation,
  RELATIONSHIP_TYPES,
  type Relationship as RelationshipType,
} from './relationship.kinds.js';

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
ORDER BY customerId, type, relativeId, outgoing`;

/** The deepest `relationships(depth)` walk; deeper walks reach most of a dense graph. */
export const MAX_RELATIONSHIP_DEPTH = 3;

/** Most related customers one customer's walk returns, nearest first. */
export const MAX_RELATED_PER_CUSTOMER = 200;

/** One hop of a path, read from the side of the node the path has reached. */
export interface HopRecord {
  type: RelationshipType;
  outgoing: boolean;
}

export interface RelatedRecord {
  customerId: string;
  relatedId: string;
  /** The shortest path from the customer to the related one. */
  path: HopRecord[];
}

/** Household edges: partners and explicit household members, followed up to three hops. */
const HOUSEHOLD_TYPES: readonly RelationshipType[] = ['HOUSEHOLD_MEMBER', 'SPOUSE_OF'];

/*
 * Relationship types and depth cannot be Cypher parameters; both come from checked values only:
 * types from RELATIONSHIP_TYPES (sorted, so equal sets share a statement), depth an integer in
 * 1..MAX_RELATIONSHIP_DEPTH. The shortest path to each related customer is kept; ties are
 * broken by relationship type names, then directions, then the ids of the customers passed, a
 * total order (two paths never share all three), so every read picks the same path. The pick
 * is the minimum of a sort key written as a string, and the nearest customers are kept by
 * ORDER BY ... LIMIT in a subquery: neither relies on rows keeping their order through
 * collect(), which Neo4j does not promise (reads of one customer and builds of fifty picked
 * different paths in CI).
 */
const PATH_KEY = `toString(length(p)) + ':' +
  reduce(s = '', r IN relationships(p) | s + type(r) + ',') + ':' +
  reduce(s = '', i IN range(0, length(p) - 1) |
    s + CASE WHEN startNode(relationships(p)[i]) = nodes(p)[i] THEN '1' ELSE '0' END) + ':' +
  reduce(s = '', n IN nodes(p) | s + n.id + ',')`;

function relatedStatement(types: readonly RelationshipType[], depth: number): string {
  const pattern = types.filter((t) => RELATIONSHIP_TYPES.includes(t)).join('|');
  if (pattern === '' || !Number.isInteger(depth) || depth < 1 || depth > MAX_RELATIONSHIP_DEPTH) {
    throw new RangeError(`bad relationship walk: ${types.join(',')} depth ${depth}`);
  }
  return `UNWIND $customerIds AS customerId
CALL (customerId) {
  MATCH p = (c:Customer {id: customerId})-[:${pattern}*1..${depth}]-(o:Customer)
  WHERE o <> c
  WITH o, p, ${PATH_KEY} AS key
  WITH o, min(key) AS best, collect({key: key, p: p}) AS paths
  WITH o, [x IN paths WHERE x.key = best][0].p AS p
  RETURN o.id AS relatedId, p ORDER BY length(p), relatedId LIMIT ${MAX_RELATED_PER_CUSTOMER}
}
RETURN customerId, relatedId,
  [i IN range(0, length(p) - 1) |
    {type: type(relationships(p)[i]), outgoing: startNode(relationships(p)[i]) = nodes(p)[i]}] AS path
ORDER BY customerId, size(path), relatedId`;
}

/** Neo4j reads of the customer–customer graph: family, walks, households. */
export class RelationshipGraph {
  constructor(private readonly graph: GraphDb) {}

  /** Every relative of every given customer, in one round trip. */
  async listRelativesByCustomerIds(customerIds: readonly string[]): Promise<RelativeRecord[]> {
    const result = await this.graph.read('relationship.listRelativesByCustomerIds', (tx) =>
      tx.run(RELATIVES_BY_CUSTOMER_IDS, { customerIds }),
    );
    return result.records.map((record) => ({
      customerId: record.get('customerId') as string,
      relativeId: record.get('relativeId') as string,
      relation: toRelation(record.get('type') as string, record.get('outgoing') as boolean),
    }));
  }

  /** Every relationship of one customer, of any type, as seen from their side (for exports). */
  async listRelationships(
    customerId: string,
  ): Promise<{ type: string; direction: 'out' | 'in'; otherId: string }[]> {
    const result = await this.graph.read('relationship.listRelationships', (tx) =>
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

  /** Customers within `depth` hops over `types` of each given customer, in one round trip. */
  async listRelated(
    customerIds: readonly string[],
    types: readonly RelationshipType[],
    depth: number,
    name = 'relationship.listRelated',
  ): Promise<RelatedRecord[]> {
    const statement = relatedStatement([...new Set(types)].sort(), depth);
    const result = await this.graph.read(name, (tx) => tx.run(statement, { customerIds }));
    return result.records.map((record) => ({
      customerId: record.get('customerId') as string,
      relatedId: record.get('relatedId') as string,
      path: record.get('path') as HopRecord[],
    }));
  }

  /** Each customer's household members (themselves excluded), in one round trip. */
  async listHouseholds(customerIds: readonly string[]): Promise<RelatedRecord[]> {
    return this.listRelated(
      customerIds,
      HOUSEHOLD_TYPES,
      MAX_RELATIONSHIP_DEPTH,
      'relationship.listHouseholds',
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
