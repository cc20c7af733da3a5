/** What the 360 view shows about a customer (issue 13's read). */
export const CUSTOMER_360_FIELDS = /* GraphQL */ `
  id
  displayName
  email
  traits
  mergedFrom
  identities { type value }
  consent { purpose granted }
  events(first: 5) { edges { node { type occurredAt } } }
  family { relation customer { id displayName } }
  relationships(depth: 2) { distance customer { id displayName } }
  household { size }
  interactions(first: 5) {
    viewed { count lastAt product { id name } }
    purchased { count lastAt product { id name } }
  }
  campaigns(first: 5) { targetedAt responses campaign { id name } }
  similarCustomers(first: 5) { score customer { id displayName } }
`;
/** One customer's 360 view, by id. */
export const CUSTOMER_360 = `query Customer360($id: ID!) { customer(id: $id) { ${CUSTOMER_360_FIELDS} } }`;
/** A page of 20 customers' 360 views. */
export const CUSTOMER_360_PAGE = `{ customers(first: 20, filter: { traits: { plan: "gold" } }) { edges { node { ${CUSTOMER_360_FIELDS} } } } }`;
