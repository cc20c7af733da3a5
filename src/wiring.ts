import { randomUUID } from 'node:crypto';

import type { GraphQLSchema } from 'graphql';

import type { Loaders, GraphQLContext } from './context.js';
import type { LoaderTuning } from './lib/loader-tuning.js';
import type { Logger } from './logger.js';
import { Access } from './modules/access/access.js';
import type { AccessDeps } from './modules/access/access.deps.js';
import { accessModule } from './modules/access/access.module.js';
import { activationModule } from './modules/activation/activation.module.js';
import { assistantModule } from './modules/assistant/assistant.module.js';
import { catalogModule } from './modules/catalog/catalog.module.js';
import { consentModule } from './modules/consent/consent.module.js';
import { customerModule } from './modules/customer/customer.module.js';
import { customerFeedModule } from './modules/customer-feed/customer-feed.module.js';
import { duplicateModule } from './modules/duplicate/duplicate.module.js';
import { eventModule } from './modules/event/event.module.js';
import { graphModule } from './modules/graph/graph.module.js';
import { identityModule } from './modules/identity/identity.module.js';
import type { IngestionDeps } from './modules/ingestion/ingestion.deps.js';
import { ingestionModule } from './modules/ingestion/ingestion.module.js';
import { interactionModule } from './modules/interaction/interaction.module.js';
import type { ModuleGauges } from './observability/metrics.js';
import type {
  AnyModule,
  AnyResolverClass,
  GatewayHandle,
  LoaderFactory,
  Platform,
} from './modules/module.js';
import { nodeModule } from './modules/node/node.module.js';
import { predictionModule } from './modules/prediction/prediction.module.js';
import { privacyModule } from './modules/privacy/privacy.module.js';
import { recommendationModule } from './modules/recommendation/recommendation.module.js';
import { relationshipModule } from './modules/relationship/relationship.module.js';
import { readModelModule } from './modules/read-model/read-model.module.js';
import { segmentModule } from './modules/segment/segment.module.js';
import type { OutboxApplier } from './outbox/outbox.topic.js';

/**
 * Every capability of the gateway, one line each. A new capability is a folder under
 * src/modules/ with its `<name>.module.ts`, plus one line here. Where several modules follow
 * the same outbox topic, this order breaks ties between appliers of equal `order`.
 */
export const MODULES: readonly AnyModule[] = [
  accessModule,
  customerModule,
  identityModule,
  duplicateModule,
  eventModule,
  consentModule,
  relationshipModule,
  catalogModule,
  interactionModule,
  recommendationModule,
  predictionModule,
  // After every module that keeps what rules read (graph edges, preference vectors): it
  // follows the same topics and must see their work done.
  segmentModule,
  customerFeedModule,
  activationModule,
  privacyModule,
  assistantModule,
  nodeModule,
  ingestionModule,
  graphModule,
  readModelModule,
];

/** Every resolver class, for the schema (printing it needs no running store). */
export function resolverClasses(): AnyResolverClass[] {
  return MODULES.flatMap((module) => [...module.resolvers]);
}

/** The modules built on a running platform, folded into what the gateway's parts need. */
export interface Wiring {
  /** type-graphql's container: each resolver class, built once with its module's deps. */
  container: { get(resolverClass: AnyResolverClass): object };
  /** Every module's appliers, for the outbox relay. */
  appliers: readonly OutboxApplier[];
  /** Every module's own `/metrics` series. */
  gauges: readonly ModuleGauges[];
  /** Fresh per-request loaders of every module, behind the read model. */
  createLoaders(): Loaders;
  /** Fresh loaders that always read the stores (the read model's own builds). */
  createLiveLoaders(): Loaders;
  /** Hands the built schema to the modules that run operations of their own. */
  bindGateway(schema: GraphQLSchema, logger: Logger): void;
  /** What the transports need to authenticate and audit. */
  access: AccessDeps;
  /** What the Segment-spec HTTP edge writes through (src/http/segment-api.ts). */
  ingestion: IngestionDeps;
  /** The platform's change feed, handed to every operation's context. */
  feed: Platform['feed'];
  /** Begins every module's background work (in module order). */
  start(): Promise<void>;
  /** Ends it (in reverse order). */
  stop(): Promise<void>;
}

export function wireModules(platform: Platform, tuning: LoaderTuning): Wiring {
  const instances = new Map<AnyResolverClass, object>();
  const appliers: OutboxApplier[] = [];
  const gauges: ModuleGauges[] = [];
  const loaderFactories: LoaderFactory[] = [];
  const lifecycles: { start?(): Promise<void>; stop?(): Promise<void> }[] = [];
  const projections: ((loaders: Loaders) => Loaders)[] = [];
  const gatewayUsers: ((gateway: GatewayHandle) => void)[] = [];
  let access: AccessDeps | undefined;
  let ingestion: IngestionDeps | undefined;
  for (const module of MODULES) {
    const built = module.create(platform);
    for (const resolverClass of module.resolvers) {
      instances.set(resolverClass, new resolverClass(built.deps as never));
    }
    appliers.push(...(built.appliers ?? []));
    if (built.gauges) {
      gauges.push(built.gauges);
    }
    if (built.loaders) {
      loaderFactories.push(built.loaders);
    }
    lifecycles.push(built);
    if (built.projectLoaders) {
      projections.push(built.projectLoaders.bind(built));
    }
    if (built.bindGateway) {
      gatewayUsers.push(built.bindGateway.bind(built));
    }
    if (module === (accessModule as AnyModule)) {
      access = built.deps as AccessDeps;
    }
    if (module === (ingestionModule as AnyModule)) {
      ingestion = built.deps as IngestionDeps;
    }
  }
  const createLiveLoaders = () => foldLoaders(loaderFactories, tuning);
  createLiveLoaders(); // fails at start, not on the first request, when two modules share a name
  const createLoaders = () =>
    projections.reduce((loaders, project) => project(loaders), createLiveLoaders());
  return {
    container: {
      get: (resolverClass) => {
        const instance = instances.get(resolverClass);
        if (instance === undefined) {
          throw new Error(`resolver ${resolverClass.name} belongs to no module`);
        }
        return instance;
      },
    },
    appliers,
    gauges,
    createLoaders,
    createLiveLoaders,
    bindGateway: (schema, logger) => {
      const gateway: GatewayHandle = {
        schema,
        internalContext: () => ({
          access: Access.internal(),
          requestId: randomUUID(),
          logger,
          loaders: createLiveLoaders(),
          feed: platform.feed,
        }),
      };
      gatewayUsers.forEach((use) => use(gateway));
    },
    access: access!,
    ingestion: ingestion!,
    feed: platform.feed,
    start: async () => {
      for (const module of lifecycles) {
        await module.start?.();
      }
    },
    stop: async () => {
      for (const module of [...lifecycles].reverse()) {
        await module.stop?.();
      }
    },
  };
}

function foldLoaders(factories: readonly LoaderFactory[], tuning: LoaderTuning): Loaders {
  const loaders: Record<string, unknown> = {};
  for (const factory of factories) {
    for (const [name, loader] of Object.entries(factory(tuning))) {
      if (name in loaders) {
        throw new Error(`two modules declare the loader ${name}`);
      }
      loaders[name] = loader;
    }
  }
  return loaders as unknown as Loaders;
}

/** The context of one GraphQL operation (HTTP request or graphql-ws subscribe). */
export function createContext(
  wiring: Wiring,
  logger: Logger,
  requestId: string = randomUUID(),
  access: Access = Access.anonymous(),
): GraphQLContext {
  return {
    access,
    requestId,
    logger: logger.child({ requestId }),
    loaders: wiring.createLoaders(),
    feed: wiring.feed,
  };
}
