/**
 * The customer-360 read as both c360 and the peer stack (bench/peers) can answer it: issue 13's
 * read without what the peer has no equivalent for, in c360's schema and in the peer's.
 *
 * Left out of both, as the peer cannot serve them:
 * - `similarCustomers`: pgvector similarity is neither PostGraphile's nor @neo4j/graphql's;
 * - edge timestamps (`interactions … lastAt`, `campaigns … targetedAt`): @neo4j/graphql formats
 *   temporal values with APOC, which the embedded Neo4j lacks (the peer still sorts by them);
 * - `relationships … distance`: a @cypher field returns nodes, not (node, distance) pairs; the
 *   related customers come nearest first in both.
 *
 * Shaped differently, same facts: c360's `family { relation customer }` is the peer's
 * spouses/parents/children/siblings; c360's `campaigns` (one row per campaign with its response
 * count) is the peer's targetedBy and respondedTo connections.
 */
export const C360_COMPARABLE_360 = /* GraphQL */ `
  query Customer360($id: ID!) {
    customer(id: $id) {
      id
      displayName
      email
      traits
      mergedFrom
      identities {
        type
        value
      }
      consent {
        purpose
        granted
      }
      events(first: 5) {
        edges {
          node {
            type
            occurredAt
          }
        }
      }
      family {
        relation
        customer {
          id
          displayName
        }
      }
      relationships(depth: 2) {
        customer {
          id
          displayName
        }
      }
      household {
        size
      }
      interactions(first: 5) {
        viewed {
          count
          product {
            id
            name
          }
        }
        purchased {
          count
          product {
            id
            name
          }
        }
      }
      campaigns(first: 5) {
        responses
        campaign {
          id
          name
        }
      }
    }
  }
`;

/** The same read in the peer's stitched schema (PostGraphile naming, @neo4j/graphql naming). */
export const PEER_360 = /* GraphQL */ `
  query Customer360($id: UUID!) {
    customer: customerByRowId(rowId: $id) {
      id: rowId
      displayName
      email
      traits
      mergedFrom: customerMergesBySurvivorId {
        nodes {
          mergedId
        }
      }
      identities: identitiesByCustomerId {
        nodes {
          type
          value
        }
      }
      consent: customerConsentsByCustomerId {
        nodes {
          purpose
          granted
        }
      }
      events: eventsByCustomerId(first: 5, orderBy: [OCCURRED_AT_DESC, ROW_ID_DESC]) {
        nodes {
          type
          occurredAt
        }
      }
      spouses {
        id
        displayName
      }
      parents {
        id
        displayName
      }
      children {
        id
        displayName
      }
      siblings {
        id
        displayName
      }
      relatedWithinTwoHops {
        id
        displayName
      }
      householdSize
      viewed: viewedConnection(first: 5, sort: [{ edge: { lastAt: DESC } }]) {
        edges {
          properties {
            count
          }
          node {
            id
            name
          }
        }
      }
      purchased: purchasedConnection(first: 5, sort: [{ edge: { lastAt: DESC } }]) {
        edges {
          properties {
            count
          }
          node {
            id
            name
          }
        }
      }
      targetedBy: targetedByConnection(first: 5, sort: [{ edge: { at: DESC } }]) {
        edges {
          node {
            id
            name
          }
        }
      }
      respondedTo: respondedToConnection(first: 5, sort: [{ edge: { lastAt: DESC } }]) {
        edges {
          properties {
            count
          }
          node {
            id
            name
          }
        }
      }
    }
  }
`;
