import {
  LinkRelationshipsDocument,
  SetConsentDocument,
  type UpsertCustomerInput,
  UpsertCustomersDocument,
} from '../../test/__generated__/graphql.js';
import { execute } from '../../test/support/graphql-client.js';

const CHUNK = 1_000;

function check(what: string, result: { errors?: unknown; data?: unknown }): void {
  const counts = Object.values((result.data ?? {}) as Record<string, { rejected?: number }>);
  if (result.errors !== undefined || counts.some((c) => (c.rejected ?? 0) > 0)) {
    throw new Error(`${what}: ${JSON.stringify(result).slice(0, 500)}`);
  }
}

/**
 * Writes the population through the API, half through each instance: customers with traits,
 * spouses (pairs among the first half, for the relationship rule) and marketing consent (every
 * fifth customer, for the consent rules).
 */
export async function populate(
  urlA: string,
  urlB: string,
  population: readonly { id: string; input: UpsertCustomerInput }[],
): Promise<{ spousePairs: number; marketingConsents: number }> {
  const urls = [urlA, urlB];
  for (let start = 0; start < population.length; start += CHUNK) {
    const input = population.slice(start, start + CHUNK).map((c) => c.input);
    check(
      'upsertCustomers',
      await execute(urls[(start / CHUNK) % 2]!, UpsertCustomersDocument, { input }),
    );
  }
  const pairs = Array.from({ length: Math.floor(population.length / 4) }, (_, i) => ({
    fromId: population[2 * i]!.id,
    toId: population[2 * i + 1]!.id,
    type: 'SPOUSE_OF' as const,
  }));
  for (let start = 0; start < pairs.length; start += CHUNK) {
    const input = pairs.slice(start, start + CHUNK);
    check(
      'linkRelationships',
      await execute(urls[(start / CHUNK) % 2]!, LinkRelationshipsDocument, { input }),
    );
  }
  const consenting = population.filter((_, i) => i % 5 === 0);
  let next = 0;
  const caller = async (url: string) => {
    for (let i = next++; i < consenting.length; i = next++) {
      check(
        'setConsent',
        await execute(url, SetConsentDocument, {
          customerId: consenting[i]!.id,
          purpose: 'MARKETING',
          granted: true,
          source: 'bench',
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: 16 }, (_, i) => caller(urls[i % 2]!)));
  return { spousePairs: pairs.length, marketingConsents: consenting.length };
}
