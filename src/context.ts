import { randomUUID } from 'node:crypto';

import type { Backends } from './backends.js';
import type { Postgres } from './datasources/postgres.js';
import type { Logger } from './logger.js';
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
import { IdentityStore } from './modules/identity/identity.store.js';
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
  products: ProductStore;
  contents: ContentStore;
  campaigns: CampaignStore;
  catalogGraph: CatalogGraph;
  pubSub: GatewayPubSub;
  /** Call after writing to the outbox, so this instance relays the change without waiting. */
  relay: { wake(): void };
  limits: { batchMaxSize: number };
}

export function createServices(
  backends: Pick<Backends, 'postgres' | 'graph' | 'pubSub'>,
  relay: Services['relay'],
  limits: Services['limits'],
): Services {
  return {
    db: backends.postgres,
    customers: new CustomerStore(backends.postgres),
    customerGraph: new CustomerGraph(backends.graph),
    identities: new IdentityStore(backends.postgres),
    events: new EventStore(backends.postgres),
    consents: new ConsentStore(backends.postgres),
    products: new ProductStore(backends.postgres),
    contents: new ContentStore(backends.postgres),
    campaigns: new CampaignStore(backends.postgres),
    catalogGraph: new CatalogGraph(backends.graph),
    pubSub: backends.pubSub,
    relay,
    limits,
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/** Everything a resolver may use; one per GraphQL operation. */
export interface GraphQLContext {
  requestId: string;
  logger: Logger;
  services: Services;
  loaders: Loaders;
}

/**
 * Loaders are created for each operation and never shared: their cache is keyed only by id,
 * so a process-wide loader would serve stale rows and, once scopes exist, one viewer's rows to
 * another.
 */
function createLoaders(services: Services) {
  return {
    ...createCustomerLoaders({ customers: services.customers, graph: services.customerGraph }),
    ...createIdentityLoaders(services.identities),
    ...createEventLoaders(services.events),
    ...createConsentLoaders(services.consents),
    ...createCatalogLoaders({
      products: services.products,
      contents: services.contents,
      campaigns: services.campaigns,
      graph: services.catalogGraph,
    }),
  };
}

export function createContext(
  services: Services,
  logger: Logger,
  requestId: string = randomUUID(),
): GraphQLContext {
  return {
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
