import { AuditStore } from '../access/audit.store.js';
import { ConsentStore } from '../consent/consent.store.js';
import { CustomerStore } from '../customer/customer.store.js';
import { IdentityStore } from '../identity/identity.store.js';
import { InteractionGraph } from '../interaction/interaction.graph.js';
import { defineModule } from '../module.js';
import { ExportStore } from './export.store.js';
import type { PrivacyDeps } from './privacy.deps.js';
import { PrivacyResolver } from './privacy.resolver.js';
import { SuppressionKeys } from './suppression-keys.js';

/**
 * Data-subject rights: export everything held about a person, from every store, and erase
 * them everywhere (graph.customer.erased on the outbox), keeping their ids and keyed hashes of
 * their identities and contact e-mail so that no write brings them back. Its stores
 * (suppression.store.ts, erased-customer.store.ts) are what other modules' writes check.
 */
export const privacyModule = defineModule<PrivacyDeps>({
  name: 'privacy',
  resolvers: [PrivacyResolver],
  create: (platform) => ({
    deps: {
      db: platform.db,
      relay: platform.relay,
      suppressionKeys: new SuppressionKeys(platform.settings.suppressionPepper),
      customers: new CustomerStore(platform.db),
      identities: new IdentityStore(platform.db),
      consents: new ConsentStore(platform.db),
      exports: new ExportStore(platform.db),
      interactions: new InteractionGraph(platform.graph),
      audit: new AuditStore(platform.db),
    },
  }),
});
