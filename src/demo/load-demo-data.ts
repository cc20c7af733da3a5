import type { Backends } from '../backends.js';
import type { Logger } from '../logger.js';
import { upsertCustomers } from '../modules/customer/customer.service.js';
import { CustomerStore } from '../modules/customer/customer.store.js';
import { TraitsMode } from '../modules/customer/customer.kinds.js';
import { IdentityType } from '../modules/identity/identity.kinds.js';
import { IdentityVocabulary } from '../modules/identity/identity.normalize.js';
import { ErasedCustomerStore } from '../modules/privacy/erased-customer.store.js';
import { SuppressionKeys } from '../modules/privacy/suppression-keys.js';
import { changeRelationships } from '../modules/relationship/relationship.service.js';
import type { DemoWriteDeps } from './demo-catalog.js';
import { loadDemoSegments } from './demo-segments.js';

/**
 * Loads the demo population into an empty database, so a first start has something to query.
 * Does nothing when any customer exists, or ever was erased (a database whose customers were
 * all erased is not a new one, and the demo's fixed ids would be refused). Everything goes
 * through the services the mutations use (upsertCustomers, linkRelationships, the catalog
 * upserts, targetCampaign, trackBatch): PostgreSQL holds it, and the graph follows through the
 * outbox once the relay starts. A load interrupted halfway is finished on the next start:
 * every write is an idempotent upsert.
 *
 * @returns how many customers were loaded (0 when the database already had data).
 */
export async function loadDemoDataIfEmpty(
  backends: Pick<Backends, 'postgres' | 'pubSub' | 'suppressionPepper'>,
  logger: Logger,
): Promise<number> {
  if (
    (await new CustomerStore(backends.postgres).count()) > 0 ||
    (await new ErasedCustomerStore(backends.postgres).any())
  ) {
    return 0;
  }
  // The generators load Faker, every locale of it (~16 MB of heap, ~40 MB resident), which a
  // gateway with data never needs: imported only to generate.
  const [{ generateDemoData }, { assertStored, loadDemoCatalog }] = await Promise.all([
    import('./demo-data.js'),
    import('./demo-catalog.js'),
  ]);
  const demo = generateDemoData();
  const deps: DemoWriteDeps = {
    db: backends.postgres,
    // The relay is not running yet; it finds the outbox rows when it starts.
    relay: { wake: () => undefined },
    vocabulary: new IdentityVocabulary([]),
    suppressionKeys: new SuppressionKeys(backends.suppressionPepper),
  };
  assertStored(
    'customers',
    await upsertCustomers(
      deps,
      demo.customers.map(({ id, displayName, email, traits }) => ({
        id,
        displayName,
        email,
        traits,
        // The demo profiles as shipped, whatever an earlier load left.
        traitsMode: TraitsMode.REPLACE,
        interestKeywords: traits.interests,
        // Known by their e-mail, as a signed-up customer would be.
        identities: [{ type: IdentityType.EMAIL, value: email, customType: null }],
      })),
      logger,
    ),
  );
  assertStored(
    'relationships',
    await changeRelationships(deps, demo.relationships, 'linked', logger),
  );
  await loadDemoCatalog(deps, demo.customers, logger);
  await loadDemoSegments(backends.postgres);
  logger.info({ customers: demo.customers.length }, 'demo data loaded');
  return demo.customers.length;
}
