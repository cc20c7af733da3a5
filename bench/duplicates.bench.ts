/**
 * Duplicate suggestions: precision and recall on a generated population with known duplicates,
 * and what a scan costs.
 *
 * The population (seeded, @faker-js/faker) has people, some living in households (same surname,
 * postcode and a shared device id, different first names), and a share of people entered twice
 * with what real duplicates carry: a typo in the name, first and last names swapped, the same
 * e-mail local part at another domain (or no e-mail), the phone written differently (or
 * missing), the household device. Customers are written straight to PostgreSQL (one migrated
 * database of its own, dropped at the end); the scan is the gateway's own (`c360 duplicates
 * scan` runs the same function).
 *
 *   npm run build && npm run bench:duplicates
 *
 * BENCH_PEOPLE (20000), BENCH_DUPLICATE_SHARE (0.15), BENCH_HOUSEHOLD_SHARE (0.3). Needs the
 * machine's PostgreSQL (C360_TEST_ADMIN_DATABASE_URL, as the tests).
 */
import 'reflect-metadata';

import { faker } from '@faker-js/faker';

import { Postgres } from '../src/datasources/postgres.js';
import { migrate } from '../src/datasources/migrate.js';
import { mulberry32 } from '../src/lib/seeded-random.js';
import { createSilentLogger } from '../src/logger.js';
import { scanDuplicates } from '../src/modules/duplicate/duplicate.service.js';
import { DuplicateStore } from '../src/modules/duplicate/duplicate.store.js';
import type { LinkageProfile } from '../src/modules/duplicate/linkage.features.js';
import { DEFAULT_LINKAGE_OPTIONS, linkPopulation } from '../src/modules/duplicate/linkage.scan.js';
import { createTestDatabase } from '../test/support/database.js';

const env = process.env;
const PEOPLE = Number(env['BENCH_PEOPLE'] ?? 20_000);
const DUPLICATE_SHARE = Number(env['BENCH_DUPLICATE_SHARE'] ?? 0.15);
const HOUSEHOLD_SHARE = Number(env['BENCH_HOUSEHOLD_SHARE'] ?? 0.3);
const SEED = 20_261_207;
const THRESHOLDS = [0.5, 0.8, 0.9, 0.95, 0.99];

interface Row {
  id: string;
  name: string;
  email: string | null;
  traits: Record<string, unknown>;
}

function typo(word: string, random: () => number): string {
  if (word.length < 3) {
    return word;
  }
  const i = 1 + Math.floor(random() * (word.length - 2));
  const edits = [
    () => word.slice(0, i) + word.slice(i + 1), // dropped letter
    () => word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2), // transposition
    () => word.slice(0, i) + 'aeiou'[Math.floor(random() * 5)] + word.slice(i + 1), // wrong letter
  ];
  return edits[Math.floor(random() * edits.length)]!();
}

/** The population, and the pairs that are one person (ids sorted, joined by a space). */
function generate(): { rows: Row[]; truth: Set<string> } {
  faker.seed(SEED);
  const random = mulberry32(SEED);
  const rows: Row[] = [];
  const truth = new Set<string>();
  let household: { last: string; postcode: string; device: string; left: number } | null = null;
  for (let p = 0; p < PEOPLE; p += 1) {
    if ((household === null || household.left === 0) && random() < HOUSEHOLD_SHARE) {
      household = {
        last: faker.person.lastName(),
        postcode: faker.location.zipCode('#####'),
        device: faker.string.uuid(),
        left: 2 + Math.floor(random() * 3),
      };
    }
    const inHousehold = household !== null && household.left > 0;
    const first = faker.person.firstName();
    const last = inHousehold ? household!.last : faker.person.lastName();
    const postcode = inHousehold ? household!.postcode : faker.location.zipCode('#####');
    const local = faker.internet.username({ firstName: first, lastName: last }).toLowerCase();
    const phone = `+1 ${faker.string.numeric(3)} ${faker.string.numeric(3)} ${faker.string.numeric(4)}`;
    const traits: Record<string, unknown> = { postcode };
    if (random() < 0.6) {
      traits['phone'] = phone;
    }
    if (inHousehold) {
      traits['deviceId'] = household!.device;
      household!.left -= 1;
    }
    const person: Row = {
      id: faker.string.uuid(),
      name: `${first} ${last}`,
      email: random() < 0.85 ? `${local}@${faker.internet.domainName()}` : null,
      traits,
    };
    rows.push(person);
    if (random() >= DUPLICATE_SHARE) {
      continue;
    }
    // The same person entered again, differently.
    const r = random();
    const name =
      r < 0.4 ? `${typo(first, random)} ${last}` : r < 0.6 ? `${last} ${first}` : person.name;
    const dupTraits: Record<string, unknown> = {};
    if (random() < 0.85) {
      dupTraits['postcode'] = postcode;
    }
    if (traits['phone'] !== undefined && random() < 0.5) {
      dupTraits['phone'] = phone.replace('+1 ', '(').replace(' ', ') ');
    }
    if (traits['deviceId'] !== undefined || random() < 0.3) {
      dupTraits['deviceId'] = traits['deviceId'] ?? faker.string.uuid();
      traits['deviceId'] ??= dupTraits['deviceId'];
    }
    const duplicate: Row = {
      id: faker.string.uuid(),
      name,
      email: random() < 0.7 ? `${local}@${faker.internet.domainName()}` : null,
      traits: dupTraits,
    };
    rows.push(duplicate);
    truth.add([person.id, duplicate.id].sort().join(' '));
  }
  return { rows, truth };
}

async function insert(db: Postgres, rows: readonly Row[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 5_000) {
    await db.query(
      `/* bench.insertCustomers */
       INSERT INTO customers (id, display_name, email, traits)
       SELECT r.id, r.name, r.email, r.traits
       FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, name text, email text, traits jsonb)`,
      [JSON.stringify(rows.slice(i, i + 5_000))],
    );
  }
}

function precisionRecall(
  scored: readonly { pair: string; confidence: number }[],
  truth: ReadonlySet<string>,
  threshold: number,
) {
  const predicted = scored.filter((s) => s.confidence >= threshold);
  const correct = predicted.filter((s) => truth.has(s.pair)).length;
  return {
    precision: predicted.length === 0 ? 1 : correct / predicted.length,
    recall: correct / truth.size,
    predicted: predicted.length,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

function printTable(
  label: string,
  scored: readonly { pair: string; confidence: number }[],
  truth: ReadonlySet<string>,
) {
  console.log(`\n${label}`);
  console.log('threshold  precision  recall   suggested');
  for (const threshold of THRESHOLDS) {
    const { precision, recall, predicted } = precisionRecall(scored, truth, threshold);
    console.log(
      `${threshold.toFixed(2).padEnd(10)} ${pct(precision).padEnd(10)} ${pct(recall).padEnd(8)} ${predicted}`,
    );
  }
}

async function loadProfiles(db: Postgres): Promise<LinkageProfile[]> {
  const store = new DuplicateStore(db);
  const profiles: LinkageProfile[] = [];
  for (let page = await store.profilesPage(null, 5_000); page.length > 0;) {
    profiles.push(...page);
    page = page.length < 5_000 ? [] : await store.profilesPage(page.at(-1)!.id, 5_000);
  }
  return profiles;
}

async function main(): Promise<void> {
  const logger = createSilentLogger();
  const database = await createTestDatabase();
  const db = new Postgres({
    connection: { connectionString: database.url },
    target: database.name,
    kind: 'postgresql',
    poolMax: 4,
    connectTimeoutMs: 10_000,
    statementTimeoutMs: 600_000,
    logger,
  });
  try {
    await migrate(db, logger);
    const { rows, truth } = generate();
    await insert(db, rows);
    console.log(
      `population: ${PEOPLE} people, ${rows.length} customers, ${truth.size} known duplicate pairs (seed ${SEED}; households ${pct(HOUSEHOLD_SHARE)} of people)`,
    );

    // The gateway's scan, storing every pair above 1 % so the thresholds can be compared.
    const summary = await scanDuplicates(db, 0.01);
    const { rows: stored } = await db.query<{ a: string; b: string; confidence: number }>(
      `/* bench.suggestions */ SELECT customer_a::text AS a, customer_b::text AS b, confidence FROM duplicate_suggestions`,
    );
    const scored = stored.map((s) => ({ pair: `${s.a} ${s.b}`, confidence: s.confidence }));
    console.log(
      `scan: ${summary.customers} customers, ${summary.candidatePairs} candidate pairs, model ${summary.model} (lambda ${summary.lambda.toFixed(3)}), ${summary.durationMs} ms`,
    );
    const blocked = scored.length === 0 ? 0 : summary.candidatePairs;
    const reachable = stored.filter((s) => truth.has(`${s.a} ${s.b}`)).length;
    console.log(
      `blocking: ${blocked} candidate pairs of ${((rows.length * (rows.length - 1)) / 2).toExponential(2)} possible; ${pct(reachable / truth.size)} of true pairs stored at >= 1 %`,
    );
    printTable(`EM-fitted model (${summary.model})`, scored, truth);

    // Baselines in the same run: the documented priors on the same candidates, and the
    // in-memory linkage alone (no I/O) for the scan's cost split.
    const profiles = await loadProfiles(db);
    const started = performance.now();
    const priors = linkPopulation(profiles, {
      ...DEFAULT_LINKAGE_OPTIONS,
      minPairsForEm: Infinity,
    });
    const linkMs = performance.now() - started;
    printTable(
      'baseline: documented priors, no fit',
      priors.pairs.map((p) => ({ pair: `${p.a} ${p.b}`, confidence: p.confidence })),
      truth,
    );
    const half = profiles.slice(0, Math.floor(profiles.length / 2));
    const halfStarted = performance.now();
    linkPopulation(half, { ...DEFAULT_LINKAGE_OPTIONS, minPairsForEm: Infinity });
    const halfMs = performance.now() - halfStarted;
    console.log(
      `\ncost: whole scan ${summary.durationMs} ms = ${(summary.durationMs / (rows.length / 1000)).toFixed(1)} ms per 1,000 customers; in-memory linkage (priors) ${linkMs.toFixed(0)} ms (${pct(linkMs / summary.durationMs)} of the scan); linkage of half the population ${halfMs.toFixed(0)} ms (ratio whole/half ${(linkMs / halfMs).toFixed(2)}, 2.00 = linear)`,
    );
  } finally {
    await db.close();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
