import { Faker, en } from '@faker-js/faker';

import type { Edge, RelationshipType } from '../modules/customer/customer.graph.js';

/** The family relationships the demo population has. */
export type DemoEdgeType = Extract<
  RelationshipType,
  'SPOUSE_OF' | 'PARENT_OF' | 'SIBLING_OF' | 'HOUSEHOLD_MEMBER'
>;

/** One demo customer as it is written to PostgreSQL and Neo4j. */
export interface DemoCustomer {
  id: string;
  displayName: string;
  email: string;
  traits: { interests: string[]; city: string; plan: string; householdId: string };
}

export interface DemoData {
  customers: DemoCustomer[];
  edges: Record<DemoEdgeType, Edge[]>;
}

const INTERESTS = [
  'running',
  'cycling',
  'hiking',
  'camping',
  'cooking',
  'baking',
  'wine',
  'coffee',
  'jazz',
  'rock',
  'classical music',
  'gaming',
  'board games',
  'photography',
  'gardening',
  'travel',
  'fashion',
  'sneakers',
  'skincare',
  'home office',
  'smart home',
  'books',
  'comics',
  'yoga',
  'football',
  'tennis',
  'fishing',
  'pets',
  'toys',
  'baby care',
  'investing',
  'mortgages',
  'savings',
];
const PLANS = ['free', 'basic', 'plus', 'premium'];

/**
 * A deterministic demo population: households of two partners, zero to three children and
 * sometimes a grandparent, each person with a few interests. The same seed always yields the
 * same people, ids and relationships.
 */
export function generateDemoData(households = 15, seed = 360): DemoData {
  const faker = new Faker({ locale: [en], seed });
  const customers: DemoCustomer[] = [];
  const edges: DemoData['edges'] = {
    SPOUSE_OF: [],
    PARENT_OF: [],
    SIBLING_OF: [],
    HOUSEHOLD_MEMBER: [],
  };

  for (let h = 0; h < households; h += 1) {
    const householdId = faker.string.uuid();
    const lastName = faker.person.lastName();
    const city = faker.location.city();
    const person = (firstName: string): DemoCustomer => {
      const customer: DemoCustomer = {
        id: faker.string.uuid(),
        displayName: `${firstName} ${lastName}`,
        email: faker.internet.email({ firstName, lastName, provider: 'example.com' }).toLowerCase(),
        traits: {
          interests: faker.helpers.arrayElements(INTERESTS, { min: 2, max: 5 }),
          city,
          plan: faker.helpers.arrayElement(PLANS),
          householdId,
        },
      };
      customers.push(customer);
      return customer;
    };
    const [a, b] = [person(faker.person.firstName()), person(faker.person.firstName())];
    edges.SPOUSE_OF.push({ from: a.id, to: b.id });
    const children = Array.from({ length: faker.number.int({ min: 0, max: 3 }) }, () =>
      person(faker.person.firstName()),
    );
    for (const child of children) {
      edges.PARENT_OF.push({ from: a.id, to: child.id }, { from: b.id, to: child.id });
      // Children live with their parents; the grandparent below lives elsewhere.
      edges.HOUSEHOLD_MEMBER.push({ from: a.id, to: child.id });
    }
    children.forEach((child, i) =>
      children
        .slice(i + 1)
        .forEach((other) => edges.SIBLING_OF.push({ from: child.id, to: other.id })),
    );
    if (faker.datatype.boolean({ probability: 0.3 })) {
      const grandparent = person(faker.person.firstName());
      edges.PARENT_OF.push({ from: grandparent.id, to: a.id });
    }
  }
  return { customers, edges };
}
