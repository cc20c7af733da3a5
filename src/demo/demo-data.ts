import { Faker, en } from '@faker-js/faker';

import { Relationship } from '../modules/relationship/relationship.kinds.js';

/** A relationship between two demo customers, as `linkRelationships` takes it. */
export interface DemoRelationship {
  type: Relationship;
  fromId: string;
  toId: string;
}

/** One demo customer as it is written to PostgreSQL and Neo4j. */
export interface DemoCustomer {
  id: string;
  displayName: string;
  email: string;
  traits: { interests: string[]; city: string; plan: string; householdId: string };
}

export interface DemoData {
  customers: DemoCustomer[];
  relationships: DemoRelationship[];
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
  const relationships: DemoRelationship[] = [];
  const relate = (type: Relationship, from: DemoCustomer, to: DemoCustomer) =>
    relationships.push({ type, fromId: from.id, toId: to.id });
  // An e-mail identity belongs to one customer only: faker may repeat an address.
  const emails = new Set<string>();
  const uniqueEmail = (email: string) => {
    let candidate = email;
    for (let n = 2; emails.has(candidate); n += 1) {
      candidate = email.replace('@', `.${n}@`);
    }
    emails.add(candidate);
    return candidate;
  };

  for (let h = 0; h < households; h += 1) {
    const householdId = faker.string.uuid();
    const lastName = faker.person.lastName();
    const city = faker.location.city();
    const person = (firstName: string): DemoCustomer => {
      const customer: DemoCustomer = {
        id: faker.string.uuid(),
        displayName: `${firstName} ${lastName}`,
        email: uniqueEmail(
          faker.internet.email({ firstName, lastName, provider: 'example.com' }).toLowerCase(),
        ),
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
    relate(Relationship.SPOUSE_OF, a, b);
    const children = Array.from({ length: faker.number.int({ min: 0, max: 3 }) }, () =>
      person(faker.person.firstName()),
    );
    for (const child of children) {
      relate(Relationship.PARENT_OF, a, child);
      relate(Relationship.PARENT_OF, b, child);
      // Children live with their parents; the grandparent below lives elsewhere.
      relate(Relationship.HOUSEHOLD_MEMBER, a, child);
    }
    children.forEach((child, i) =>
      children.slice(i + 1).forEach((other) => relate(Relationship.SIBLING_OF, child, other)),
    );
    if (faker.datatype.boolean({ probability: 0.3 })) {
      const grandparent = person(faker.person.firstName());
      relate(Relationship.PARENT_OF, grandparent, a);
    }
  }
  return { customers, relationships };
}
