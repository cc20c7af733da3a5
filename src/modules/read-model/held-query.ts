import { createHash } from 'node:crypto';

import { type DocumentNode, parse } from 'graphql';

/**
 * What a document holds: the loader results of these fields for one customer. A 360 read asking
 * for the same fields with the same arguments (or any subset of them) is answered from the
 * document; anything else, such as `events(first: 7)` or a relative's own identities, goes to
 * the live loaders. The aliases hold the page sizes a 360 view uses. Every object another
 * document may show is selected with its `id`: that is how a build shared by many customers
 * tells which rows each one shows.
 */
export const HELD_FIELDS = /* GraphQL */ `
  fragment HeldCustomer on Customer {
    id
    mergedFrom
    identities {
      type
    }
    consent {
      purpose
    }
    e5: events(first: 5) {
      edges {
        cursor
      }
    }
    e10: events(first: 10) {
      edges {
        cursor
      }
    }
    e20: events(first: 20) {
      edges {
        cursor
      }
    }
    family {
      customer {
        id
      }
    }
    r1: relationships(depth: 1) {
      customer {
        id
      }
    }
    r2: relationships(depth: 2) {
      customer {
        id
      }
    }
    household {
      members {
        customer {
          id
        }
      }
    }
    i5: interactions(first: 5) {
      ...HeldInteractions
    }
    i10: interactions(first: 10) {
      ...HeldInteractions
    }
    c5: campaigns(first: 5) {
      campaign {
        id
      }
    }
    c10: campaigns(first: 10) {
      campaign {
        id
      }
    }
    s5: similarCustomers(first: 5) {
      customer {
        id
      }
    }
    s10: similarCustomers(first: 10) {
      customer {
        id
      }
    }
    segments {
      segmentId
    }
    predictions {
      clv
    }
  }
  fragment HeldInteractions on CustomerInteractions {
    viewed {
      product {
        id
      }
    }
    carted {
      product {
        id
      }
    }
    cartRemoved {
      product {
        id
      }
    }
    wishlisted {
      product {
        id
      }
    }
    purchased {
      product {
        id
      }
    }
    recommended {
      product {
        id
      }
    }
    clicked {
      product {
        id
      }
    }
    content {
      content {
        id
      }
    }
  }
`;

const heldDocuments = new Map<number, DocumentNode>();

/**
 * The held fields of `count` customers in one operation (`c0` ... with `$i0` ...), so their
 * loaders batch: a build of 50 documents costs about what one live 360 read does.
 */
export function heldDocument(count: number): DocumentNode {
  let document = heldDocuments.get(count);
  if (document === undefined) {
    const indexes = Array.from({ length: count }, (_, i) => i);
    document = parse(
      `query ReadModelDocuments(${indexes.map((i) => `$i${i}: ID!`).join(', ')}) {
        ${indexes.map((i) => `c${i}: customer(id: $i${i}) { ...HeldCustomer }`).join('\n')}
      }
      ${HELD_FIELDS}`,
    );
    heldDocuments.set(count, document);
  }
  return document;
}

/**
 * The loaders whose results a document keeps, and whose data each key is: a customer's own
 * (the document to look in is theirs) or another entity's, shown by a customer's document
 * (found only in documents already loaded for the request).
 */
export const HELD_LOADERS: Readonly<Record<string, HeldLoader>> = {
  customerById: { owner: (id) => id as string, shows: 'customer' },
  mergedIdsBySurvivorId: { owner: (id) => id as string },
  identitiesByCustomerId: { owner: (id) => id as string },
  consentsByCustomerId: { owner: (id) => id as string },
  eventPageByCustomerId: { owner: customerIdOf },
  relativesByCustomerId: { owner: (id) => id as string },
  relatedByCustomerId: { owner: customerIdOf },
  householdByCustomerId: { owner: (id) => id as string },
  interactionsByCustomerId: { owner: customerIdOf },
  campaignsByCustomerId: { owner: customerIdOf },
  similarByCustomerId: { owner: customerIdOf, ages: true },
  // Memberships only: a segment's own row (name, size) changes with every entry and exit of
  // any member, so it is read live (one lookup for every segment a response shows).
  segmentMembershipsByCustomerId: { owner: (id) => id as string },
  predictionsByCustomerId: { owner: (id) => id as string },
  productById: { owner: () => null, shows: 'catalogue' },
  contentById: { owner: () => null, shows: 'catalogue' },
  campaignById: { owner: () => null, shows: 'catalogue' },
};

export interface HeldLoader {
  /** Whose document holds this key's result; null: only documents already loaded are searched. */
  owner(key: unknown): string | null;
  /** The key is the id of a customer or catalogue row the document shows (a change marks it). */
  shows?: 'customer' | 'catalogue';
  /**
   * The result can change without a mark (similar customers: someone else's vector came
   * nearer), so it is served only for a while after the build (READ_MODEL_SIMILAR_MAX_AGE_S).
   */
  ages?: true;
}

function customerIdOf(key: unknown): string {
  return (key as { customerId: string }).customerId;
}

/**
 * Names the build of what documents hold and how (v2: each value encoded on its own).
 * Documents of another format (an older gateway's, or one with another held query) are never
 * served, and are rebuilt when read.
 */
export const DOCUMENT_FORMAT = createHash('sha256')
  .update(`v2\n${HELD_FIELDS}\n${Object.keys(HELD_LOADERS).join(',')}`)
  .digest('hex')
  .slice(0, 16);

/**
 * One string per loader key, the same on every instance: ids as they are, argument objects
 * as JSON with sorted property names (so `{first, customerId}` and `{customerId, first}` meet).
 */
export function keyString(key: unknown): string {
  return typeof key === 'string' ? key : JSON.stringify(key, sortedProperties);
}

function sortedProperties(_name: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return value;
  }
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}
