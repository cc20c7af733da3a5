import { createHash } from 'node:crypto';

import { faker } from '@faker-js/faker';

/** Sizes of the generated benchmark population; the seed makes every run identical. */
export interface DatasetSpec {
  customers: number;
  products: number;
  events: number;
  seed: number;
  /**
   * What the generator makes of the sizes; a dataset loaded by another revision is refused
   * (2: events carry `product_id`, products carry keywords).
   */
  revision: number;
}

export const DEFAULT_SPEC: DatasetSpec = {
  customers: 100_000,
  products: 10_000,
  events: 1_000_000,
  seed: 360,
  revision: 2,
};

/**
 * A UUID derived from a kind and an ordinal, so SQL (`md5('customer:' || n)::uuid`) and
 * TypeScript name the same rows without shipping a million ids between them.
 */
export function benchId(kind: 'customer' | 'product' | 'campaign', n: number): string {
  const hex = createHash('md5').update(`${kind}:${n}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface BenchCustomer {
  id: string;
  displayName: string;
  email: string;
  traits: { interests: string[]; city: string; plan: string };
}

export interface BenchFamily {
  SPOUSE_OF: { from: string; to: string }[];
  PARENT_OF: { from: string; to: string }[];
  SIBLING_OF: { from: string; to: string }[];
  HOUSEHOLD_MEMBER: { from: string; to: string }[];
}

const INTERESTS = [
  'jazz',
  'hiking',
  'cooking',
  'running',
  'gaming',
  'gardening',
  'photography',
  'travel',
  'cycling',
  'reading',
  'film',
  'yoga',
  'coffee',
  'wine',
  'football',
  'design',
];
export const CATEGORIES = [
  'books',
  'music',
  'outdoor',
  'kitchen',
  'garden',
  'electronics',
  'toys',
  'fashion',
  'sports',
  'beauty',
  'home',
  'grocery',
];

/**
 * Words products are described by besides their category: the customers' interests and a few
 * more, three per product, so the local text model has a vocabulary to fit (`Product 42` and
 * one of twelve categories would give it twelve terms and thousands of identical vectors).
 */
export const PRODUCT_KEYWORDS = [
  ...INTERESTS,
  'organic',
  'vintage',
  'wireless',
  'leather',
  'cotton',
  'bamboo',
  'ceramic',
  'portable',
  'premium',
  'compact',
  'waterproof',
  'handmade',
  'vegan',
  'kids',
  'family',
  'classic',
  'modern',
  'rustic',
  'smart',
  'solar',
  'winter',
  'summer',
  'spring',
  'autumn',
  'gift',
  'luxury',
  'budget',
  'eco',
  'retro',
  'minimal',
  'festive',
];

/**
 * Customers in households: two partners, zero to three children (parents, siblings and
 * household links), so the family walks of the 360 query meet realistic fan-out.
 */
export function generateCustomers(spec: DatasetSpec): {
  customers: BenchCustomer[];
  family: BenchFamily;
} {
  faker.seed(spec.seed);
  const customers: BenchCustomer[] = [];
  const family: BenchFamily = {
    SPOUSE_OF: [],
    PARENT_OF: [],
    SIBLING_OF: [],
    HOUSEHOLD_MEMBER: [],
  };
  const person = (lastName: string) => {
    const n = customers.length;
    const firstName = faker.person.firstName();
    const customer: BenchCustomer = {
      id: benchId('customer', n),
      displayName: `${firstName} ${lastName}`,
      email: `${firstName}.${lastName}.${n}@example.com`.toLowerCase(),
      traits: {
        interests: faker.helpers.arrayElements(INTERESTS, { min: 1, max: 4 }),
        city: faker.location.city(),
        plan: faker.helpers.weightedArrayElement([
          { weight: 6, value: 'basic' },
          { weight: 3, value: 'plus' },
          { weight: 1, value: 'gold' },
        ]),
      },
    };
    customers.push(customer);
    return customer;
  };
  while (customers.length < spec.customers) {
    const lastName = faker.person.lastName();
    const a = person(lastName);
    if (customers.length >= spec.customers) {
      break;
    }
    const b = person(lastName);
    family.SPOUSE_OF.push({ from: a.id, to: b.id });
    const room = spec.customers - customers.length;
    const kids = Array.from({ length: Math.min(room, faker.number.int({ min: 0, max: 3 })) }, () =>
      person(lastName),
    );
    kids.forEach((kid, i) => {
      family.PARENT_OF.push({ from: a.id, to: kid.id }, { from: b.id, to: kid.id });
      family.HOUSEHOLD_MEMBER.push({ from: a.id, to: kid.id });
      kids.slice(i + 1).forEach((other) => family.SIBLING_OF.push({ from: kid.id, to: other.id }));
    });
  }
  return { customers, family };
}
