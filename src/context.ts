import { randomUUID } from 'node:crypto';

import type { Backends } from './backends.js';
import type { Postgres } from './datasources/postgres.js';
import type { LoaderTuning } from './lib/loader-tuning.js';
import type { Logger } from './logger.js';
import { Access } from './modules/access/access.js';
import { createKeyCache } from './modules/access/api-key.cache.js';
import { ApiKeyService } from './modules/access/api-key.service.js';
import { AuditStore } from './modules/access/audit.store.js';
import { CampaignStore } from './modules/catalog/campaign.store.js';
import { CatalogGraph } from './modules/catalog/catalog.graph.js';
import { createCatalogLoaders } from './modules/catalog/catalog.loaders.js';
import { ContentStore } from './modules/catalog/content.store.js';
import { ProductStore } from './modules/catalog/product.store.js';
import { createConsentLoaders } from './modules/consent/consent.loaders.js';
import { ConsentStore } from './modules/consent/consent.store.js';
import { CustomerGraph } from './modules/customer/customer.graph.js';
import { createCustomerLoaders } from './modules/customer/customer.loaders.js';
import { CustomerStore } from './modules/customer/customer.store.js';
import { createEventLoaders } from './modules/event/event.loaders.js';
import { EventStore } from './modules/event/event.store.js';
import { createIdentityLoaders } from './modules/identity/identity.loaders.js';
import { IdentityVocabulary } from './modules/identity/identity.normalize.js';
import { IdentityStore } from './modules/identity/identity.store.js';
import { RelationshipGraph } from './modules/relationship/relationship.graph.js';
import { createRelationshipLoaders } from './modules/relationship/relationship.loaders.js';
import type { GatewayPubSub } from './subscriptions/pubsub.js';

/** Stores and services built once per process and shared by every request. */
export interface Services {
  /** For services that write several rows in one transaction. */
  db: Postgres;
  customers: CustomerStore;
  customerGraph: CustomerGraph;
  identities: IdentityStore;
  events: EventStore;
  consents: ConsentStore;
  relationshipGraph: RelationshipGraph;
  products: ProductStore;
  contents: ContentStore;
  campaigns: CampaignStore;
  catalogGraph: CatalogGraph;
  pubSub: GatewayPubSub;
  /** Call after writing to the outbox, so this instance relays the change without waiting. */
  relay: { wake(): void };
  limits: { batchMaxSize: number };
  apiKeys: ApiKeyService;
  audit: AuditStore;
  /** Options of every per-request DataLoader (batching off only for benchmarks). */
  loaderTuning: LoaderTuning;
  /** Turns identifiers as clients send them into stored keys (built-in and custom kinds). */
  identityVocabulary: IdentityVocabulary;
}

/** What services take from the configuration. */
export interface ServiceSettings {
  limits: Services['limits'];
  access: { keyCacheTtlMs: number; logger: Logger };
  loaderTuning?: LoaderTuning;
  /** The deployment's own identifier kinds (IDENTITY_CUSTOM_TYPES). */
  customIdentityTypes?: readonly string[];
}

export function createServices(
  backends: Pick<Backends, 'postgres' | 'graph' | 'pubSub' | 'redis'>,
  relay: Services['relay'],
  { limits, access, loaderTuning = {}, customIdentityTypes = [] }: ServiceSettings,
): Services {
  return {
    db: backends.postgres,
    customers: new CustomerStore(backends.postgres),
    customerGraph: new CustomerGraph(backends.graph),
    identities: new IdentityStore(backends.postgres),
    events: new EventStore(backends.postgres),
    consents: new ConsentStore(backends.postgres),
    relationshipGraph: new RelationshipGraph(backends.graph),
    products: new ProductStore(backends.postgres),
    contents: new ContentStore(backends.postgres),
    campaigns: new CampaignStore(backends.postgres),
    catalogGraph: new CatalogGraph(backends.graph),
    pubSub: backends.pubSub,
    relay,
    limits,
    apiKeys: createApiKeyService(backends, access.keyCacheTtlMs, access.logger),
    audit: new AuditStore(backends.postgres),
    loaderTuning,
    identityVocabulary: new IdentityVocabulary(customIdentityTypes),
  };
}

/** Key checks cached for `keyCacheTtlMs` (see {@link createKeyCache}). */
export function createApiKeyService(
  backends: Pick<Backends, 'postgres' | 'redis'>,
  keyCacheTtlMs: number,
  logger: Logger,
): ApiKeyService {
  const cache = createKeyCache(backends.redis?.commands ?? null, keyCacheTtlMs, logger);
  return new ApiKeyService(backends.postgres, cache, logger);
}

export type Loaders = ReturnType<typeof createLoaders>;

/** Everything a resolver may use; one per GraphQL operation. */
export interface GraphQLContext {
  requestId: string;
  logger: Logger;
  services: Services;
  loaders: Loaders;
  /** The caller's key and scopes, and the personal data this operation read unmasked. */
  access: Access;
}

/**
 * Loaders are created for each operation and never shared: their cache is keyed only by id,
 * so a process-wide loader would serve stale rows and, once scopes exist, one viewer's rows to
 * another.
 */
function createLoaders(services: Services) {
  const tuning = services.loaderTuning;
  return {
    ...createCustomerLoaders(
      { customers: services.customers, graph: services.customerGraph },
      tuning,
    ),
    ...createIdentityLoaders(services.identities, tuning),
    ...createEventLoaders(services.events, tuning),
    ...createConsentLoaders(services.consents, tuning),
    ...createRelationshipLoaders(services.relationshipGraph, tuning),
    ...createCatalogLoaders(
      {
        products: services.products,
        contents: services.contents,
        campaigns: services.campaigns,
        graph: services.catalogGraph,
      },
      tuning,
    ),
  };
}

export function createContext(
  services: Services,
  logger: Logger,
  requestId: string = randomUUID(),
  access: Access = Access.anonymous(),
): GraphQLContext {
  return {
    access,
    requestId,
    logger: logger.child({ requestId }),
    services,
    loaders: createLoaders(services),
  };
}

/** Forgets every cached row, so a long-lived subscription context resolves each event afresh. */
export function clearLoaders(context: GraphQLContext): void {
  for (const loader of Object.values(context.loaders)) {
    loader.clearAll();
  }
}
