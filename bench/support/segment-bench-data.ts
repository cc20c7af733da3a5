/**
 * The segments bench's synthetic population and event stream, from a seeded generator (no
 * dataset in /work/shared/data has tens of thousands of customers with shop events: MovieLens
 * has 610 users, CDNOW 2,357 buyers and purchases only). Same seed, same data, every run.
 */
import { mulberry32 } from '../../src/lib/seeded-random.js';

/** The event type every probe sends; background events never use it. */
export const PROBE_NAME = 'bench_probe';

const PLANS = ['free', 'free', 'free', 'silver', 'silver', 'gold'] as const;
const COUNTRIES = ['NL', 'DE', 'FR', 'GB', 'US', 'ES'] as const;

/** Shop behaviour, roughly as web analytics sees it: many views, few purchases. */
const EVENT_MIX: readonly [type: string, weight: number][] = [
  ['VIEW', 50],
  ['PAGE', 8],
  ['CLICK', 10],
  ['SEARCH', 9],
  ['CART_ADD', 10],
  ['CART_REMOVE', 2],
  ['WISHLIST_ADD', 4],
  ['PURCHASE', 7],
];
const TOTAL_WEIGHT = EVENT_MIX.reduce((sum, [, weight]) => sum + weight, 0);

export interface BenchCustomer {
  id: string;
  email: string;
}

/** A v4-shaped UUID from the generator. */
function seededUuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = '89ab'[Math.floor(random() * 4)]!;
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** `count` customers with plan, country and lifetime value traits. */
export function benchPopulation(count: number, seed: number) {
  const random = mulberry32(seed);
  return Array.from({ length: count }, (_, i) => {
    const id = seededUuid(random);
    return {
      id,
      email: `${id}@bench.example`,
      input: {
        id,
        displayName: `Bench Customer ${i}`,
        identities: [{ type: 'EMAIL' as const, value: `${id}@bench.example` }],
        traits: {
          plan: PLANS[Math.floor(random() * PLANS.length)]!,
          country: COUNTRIES[Math.floor(random() * COUNTRIES.length)]!,
          ltv: Math.round(random() * 3_000),
        },
      },
    };
  });
}

/**
 * `count` events spread over `customers`, serialised as trackBatch request bodies of
 * `batchSize` ahead of the measurement, so building JSON costs the load nothing while it runs.
 */
export function eventBodies(
  customers: readonly BenchCustomer[],
  count: number,
  batchSize: number,
  seed: number,
  label: string,
): string[] {
  const random = mulberry32(seed);
  const bodies: string[] = [];
  for (let start = 0; start < count; start += batchSize) {
    const events = [];
    for (let n = start; n < Math.min(count, start + batchSize); n += 1) {
      const customer = customers[Math.floor(random() * customers.length)]!;
      events.push({
        messageId: `${label}-${n}`,
        identity: { type: 'EMAIL', value: customer.email },
        type: pickType(random()),
        properties: { total: Math.round(random() * 150) },
      });
    }
    bodies.push(JSON.stringify({ query: TRACK_BATCH, variables: { events } }));
  }
  return bodies;
}

/** One probe: the event that puts `customer` into the probe segment; `n` names it. */
export function probeBody(customer: BenchCustomer, n: string): string {
  return JSON.stringify({
    query: TRACK_BATCH,
    variables: {
      events: [
        {
          messageId: `probe-${n}`,
          identity: { type: 'EMAIL', value: customer.email },
          type: 'CUSTOM',
          name: PROBE_NAME,
        },
      ],
    },
  });
}

// Counts only: a per-event result list would make the answer, not the ingestion, the cost.
const TRACK_BATCH = /* GraphQL */ `
  mutation BenchTrackBatch($events: [TrackEventInput!]!) {
    trackBatch(events: $events) {
      created
      unchanged
      rejected
    }
  }
`;

function pickType(value: number): string {
  let left = value * TOTAL_WEIGHT;
  for (const [type, weight] of EVENT_MIX) {
    left -= weight;
    if (left < 0) {
      return type;
    }
  }
  return EVENT_MIX[0]![0];
}
