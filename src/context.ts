import { randomUUID } from 'node:crypto';

import type { Backends } from './backends.js';
import type { Logger } from './logger.js';
import { CustomerGraph } from './modules/customer/customer.graph.js';
import {
  createCustomerLoaders,
  type CustomerLoaders,
} from './modules/customer/customer.loaders.js';
import { CustomerStore } from './modules/customer/customer.store.js';
import type { GatewayPubSub } from './subscriptions/pubsub.js';

/** Stores and services built once per process and shared by every request. */
export interface Services {
  customers: CustomerStore;
  customerGraph: CustomerGraph;
  pubSub: GatewayPubSub;
}

export function createServices(
  backends: Pick<Backends, 'postgres' | 'graph' | 'pubSub'>,
): Services {
  return {
    customers: new CustomerStore(backends.postgres),
    customerGraph: new CustomerGraph(backends.graph),
    pubSub: backends.pubSub,
  };
}

/** Everything a resolver may use; one per GraphQL operation. */
export interface GraphQLContext {
  requestId: string;
  logger: Logger;
  services: Services;
  loaders: CustomerLoaders;
}

/**
 * Loaders are created for each operation and never shared: their cache is keyed only by id,
 * so a process-wide loader would serve stale rows and, once scopes exist, one viewer's rows to
 * another.
 */
export function createContext(
  services: Services,
  logger: Logger,
  requestId: string = randomUUID(),
): GraphQLContext {
  return {
    requestId,
    logger: logger.child({ requestId }),
    services,
    loaders: createCustomerLoaders({
      customers: services.customers,
      graph: services.customerGraph,
    }),
  };
}

/** Forgets every cached row, so a long-lived subscription context resolves each event afresh. */
export function clearLoaders(context: GraphQLContext): void {
  for (const loader of Object.values(context.loaders)) loader.clearAll();
}
