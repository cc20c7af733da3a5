// @neo4j/graphql type definitions over the graph c360's relay builds (src/modules/*/*.graph.ts):
// Customer, Product and Campaign nodes; family edges between customers; interaction edges with
// counts. Edge timestamps are declared (connections sort on them) but never selected: the
// library formats temporal values with APOC, which the embedded Neo4j does not ship.

/** Every customer–customer relationship type c360's `relationships` follows by default. */
const RELATED = 'SPOUSE_OF|PARENT_OF|SIBLING_OF|HOUSEHOLD_MEMBER|REFERRED';

export const GRAPH_TYPE_DEFS = /* GraphQL */ `
  type Customer @node {
    id: ID!
    displayName: String
    spouses: [Customer!]!
      @relationship(type: "SPOUSE_OF", direction: OUT, queryDirection: UNDIRECTED)
    parents: [Customer!]! @relationship(type: "PARENT_OF", direction: IN)
    children: [Customer!]! @relationship(type: "PARENT_OF", direction: OUT)
    siblings: [Customer!]!
      @relationship(type: "SIBLING_OF", direction: OUT, queryDirection: UNDIRECTED)
    viewed: [Product!]! @relationship(type: "VIEWED", direction: OUT, properties: "Interaction")
    purchased: [Product!]!
      @relationship(type: "PURCHASED", direction: OUT, properties: "Interaction")
    targetedBy: [Campaign!]! @relationship(type: "TARGETED_BY", direction: OUT, properties: "Targeting")
    respondedTo: [Campaign!]!
      @relationship(type: "RESPONDED_TO", direction: OUT, properties: "Response")
    "Customers within two hops over any relationship type, nearest first (c360: relationships(depth: 2))."
    relatedWithinTwoHops: [Customer!]!
      @cypher(
        statement: """
        MATCH p = (this)-[:${RELATED}*1..2]-(o:Customer)
        WHERE o <> this
        WITH o, min(length(p)) AS distance
        ORDER BY distance, o.id
        LIMIT 200
        RETURN o
        """
        columnName: "o"
      )
    "Members of the customer's household, the customer included (c360: household.size)."
    householdSize: Int!
      @cypher(
        statement: """
        OPTIONAL MATCH (this)-[:HOUSEHOLD_MEMBER|SPOUSE_OF*1..3]-(o:Customer)
        WHERE o <> this
        RETURN count(DISTINCT o) + 1 AS size
        """
        columnName: "size"
      )
  }

  type Query {
    "Customers by id, in the order asked, null where missing: GraphQL Tools' batched merge key."
    customersByIds(ids: [ID!]!): [Customer]!
      @cypher(
        statement: """
        UNWIND $ids AS id
        OPTIONAL MATCH (c:Customer {id: id})
        RETURN c
        """
        columnName: "c"
      )
  }

  type Interaction @relationshipProperties {
    count: Int!
    lastAt: DateTime
  }

  type Targeting @relationshipProperties {
    at: DateTime
  }

  type Response @relationshipProperties {
    count: Int!
    lastAt: DateTime
  }

  type Product @node {
    id: ID!
    name: String
  }

  type Campaign @node {
    id: ID!
    name: String
  }
`;
