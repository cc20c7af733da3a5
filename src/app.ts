import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import cors from 'cors';
import express from 'express';

import type { Backends } from './backends.js';
import { type Config, deploymentId } from './config.js';
import type { GraphQLContext } from './context.js';
import { compiledExecution } from './http/compiled-execution.js';
import { createErrorFormatter } from './errors.js';
import { startWsServer } from './http/graphql-ws.js';
import { admission } from './http/admission.js';
import { costLimitOptions } from './http/cost-limit.js';
import { dashboard } from './http/dashboard.js';
import { GRAPHIQL_PATH, graphiql } from './http/graphiql.js';
import { jsonErrorHandler } from './http/body-errors.js';
import { devKeyToPreset, sandboxLandingPage } from './http/landing-page.js';
import { RateLimits } from './http/rate-limits.js';
import { SEGMENT_API_PATH, segmentApi } from './http/segment-api.js';
import { wellFormedBody } from './http/well-formed.js';
import { checkReadiness } from './http/readiness.js';
import { requestErrorStatusPlugin } from './http/request-error-status.js';
import { loaderTuning } from './lib/loader-tuning.js';
import type { Logger } from './logger.js';
import { ChangeFeed } from './changefeed/change-feed.js';
import { Access } from './modules/access/access.js';
import type { PlatformSettings } from './modules/module.js';
import { GatewayMetrics } from './observability/metrics.js';
import { metricsEndpoint } from './observability/metrics-endpoint.js';
import { observeStores } from './observability/observe-stores.js';
import { requestMetricsPlugin } from './observability/request-metrics.plugin.js';
import { traceRequests } from './observability/trace-requests.js';
import { traceResolvers } from './observability/trace-resolvers.js';
import { tracingActive } from './observability/tracing.js';
import { AfterCommit } from './outbox/after-commit.js';
import { OutboxRelays } from './outbox/outbox.relays.js';
import { drainWebSocketsPlugin } from './plugins/drain-ws.plugin.js';
import { ensureDevKey } from './modules/access/dev-key.js';
import { overloadStatusPlugin } from './plugins/overload-status.plugin.js';
import { piiAuditPlugin } from './plugins/pii-audit.plugin.js';
import { subscriptionOverHttpPlugin } from './plugins/subscription-over-http.plugin.js';
import { buildGatewaySchema } from './schema.js';
import { createContext, type Wiring, wireModules } from './wiring.js';

export const GRAPHQL_PATH = '/graphql';

/** The most lexical tokens one HTTP operation may have (graphql-armor's default). */
const MAX_TOKENS = 1000;

/** The running gateway: one HTTP server carrying GraphQL, graphql-ws and health endpoints. */
export interface App {
  httpServer: http.Server;
  apollo: ApolloServer<GraphQLContext>;
  /** Starts listening on the configured host and port; resolves with the GraphQL URL. */
  listen(): Promise<string>;
  /**
   * Graceful stop: `/readyz` answers 503 at once, in-flight requests finish, sockets close with
   * 1001, the HTTP server closes, the outbox relay finishes its pass. Does not stop the
   * backends (their owner does).
   */
  stop(): Promise<void>;
  /**
   * Resolves once the outbox relay has applied every waiting change to the stores that follow
   * PostgreSQL (or after `timeoutMs`), with how many changes still wait.
   */
  catchUp(timeoutMs: number): Promise<number>;
  /** The development key, when {@link AppDeps.withDevKey} asked for one; else null. */
  devKey: string | null;
}

export interface AppDeps {
  config: Config;
  logger: Logger;
  backends: Backends;
  /**
   * Keep an all-scopes development key in the data folder (embedded defaults only) and preset
   * it as the Authorization header in Apollo Sandbox, so a newcomer's first query just works
   * (preset only when listening on loopback: the page itself needs no key).
   */
  withDevKey?: boolean;
  /** This process's number among several workers on the machine (see workers.ts), or null. */
  worker?: number | null;
}

/** The parts of the configuration modules read (also for CLI commands that build modules). */
export function platformSettings(config: Config, suppressionPepper: string): PlatformSettings {
  return {
    batchMaxSize: config.batchMaxSize,
    customIdentityTypes: config.customIdentityTypes,
    keyCacheTtlMs: config.access.keyCacheTtlMs,
    nonPersonalKeys: config.nonPersonalKeys,
    suppressionPepper,
    recommendation: config.recommendation,
    segments: config.segments,
    readModel: config.readModel,
    predictions: config.predictions,
    deployment: deploymentId(config),
    changeFeed: config.changeFeed,
    webhooks: config.webhooks,
    gemini: config.gemini,
    assistant: config.assistant,
  };
}

/** Builds the whole gateway without listening, so tests run the real thing in-process. */
export async function createApp({
  config,
  logger,
  backends,
  withDevKey = false,
  worker = null,
}: AppDeps): Promise<App> {
  // The relay is built before the modules (they ring it after writes) and given their
  // appliers once they exist.
  const doorbell: { relay?: OutboxRelays } = {};
  const advanceListeners: (() => void)[] = [];
  const feed = new ChangeFeed(backends.postgres, backends.pubSub, logger, config.changeFeed);
  const wiring = wireModules(
    {
      db: backends.postgres,
      graph: backends.graph,
      redis: backends.redis,
      pubSub: backends.pubSub,
      feed,
      relay: {
        wake: () => doorbell.relay?.wake(),
        onAdvance: (listener) => advanceListeners.push(listener),
      },
      afterCommit: new AfterCommit(logger),
      settings: platformSettings(config, backends.suppressionPepper),
      logger,
    },
    loaderTuning(config.dataLoader),
  );
  const relay = new OutboxRelays({
    db: backends.postgres,
    appliers: wiring.appliers,
    logger,
    pubSub: backends.pubSub,
  });
  await relay.route();
  doorbell.relay = relay;
  advanceListeners.forEach((listener) => relay.onAdvance(listener));
  const schema = await buildGatewaySchema(backends.pubSub, wiring.container, wiring.access.masking);
  wiring.bindGateway(schema, logger);
  if (tracingActive()) {
    traceResolvers(schema);
  }
  const devKey = withDevKey
    ? await ensureDevKey(wiring.access.apiKeys, config.dataDir, logger)
    : null;
  const expressApp = express();
  const httpServer = http.createServer(expressApp);
  const armor = new ApolloArmor({
    maxDepth: { n: config.http.maxDepth },
    costLimit: costLimitOptions(config.http.maxCost),
    // "Did you mean ...?" hints help while developing; in production they would map the schema
    // for someone without introspection (Apollo hides them there too).
    blockFieldSuggestion: { enabled: !config.http.exposeSchema },
    // Its Apollo plugin parses in parsingDidStart, where any throw (a syntax error too) is an
    // unexpected error: HTTP 500. graphql-js counts tokens itself (parseOptions below).
    maxTokens: { enabled: false },
  }).protect();
  const metrics = config.metrics.enabled
    ? new GatewayMetrics({
        maxOperationNames: config.metrics.maxOperationNames,
        poolState: () => backends.postgres.poolState(),
        outboxBacklog: () => relay.backlog(),
        moduleGauges: wiring.gauges,
      })
    : null;
  const unobserveStores = metrics ? observeStores(metrics, backends) : () => undefined;
  if (backends.postgres.kind === 'postgresql' && !(await backends.postgres.autovacuums())) {
    logger.warn(
      'PostgreSQL runs without autovacuum: the outbox and read-model queues will bloat and slow every relay pass; turn it on, or VACUUM them yourself (docs/operations.md)',
    );
  }
  if (metrics && config.metrics.token === null && config.env === 'production') {
    logger.warn('/metrics needs no token: set METRICS_TOKEN or keep it off the public ingress');
  }
  const limits = new RateLimits(backends.redis?.commands ?? null, config.access, logger, (limit) =>
    metrics?.rateLimitRefused(limit),
  );
  const wsServer = startWsServer({
    httpServer,
    path: GRAPHQL_PATH,
    schema,
    wiring,
    logger,
    validationRules: armor.validationRules,
    maxOperationsPerSocket: config.http.wsMaxSubscriptionsPerSocket,
    maxTokens: MAX_TOKENS,
    exposeSchema: config.http.exposeSchema,
    limits,
    metrics,
  });

  const apollo = new ApolloServer<GraphQLContext>({
    ...(config.http.compiledExecution
      ? { gateway: compiledExecution(schema, logger) }
      : { schema }),
    logger,
    introspection: config.http.exposeSchema,
    // Stack traces never leave the server, whatever NODE_ENV says.
    includeStacktraceInErrorResponses: false,
    // No "Did you mean ...?" hints that map the schema for someone without introspection.
    hideSchemaDetailsFromClientErrors: !config.http.exposeSchema,
    allowBatchedHttpRequests: false,
    // graphql-armor's default token limit, enforced by the parser: a longer document is a
    // syntax error (400 GRAPHQL_PARSE_FAILED) before any of it is validated.
    parseOptions: { maxTokens: MAX_TOKENS },
    csrfPrevention: {
      // Every operation needs `Authorization: Bearer <key>`, a header no browser adds to a
      // cross-site request without a CORS preflight, so it proves a non-simple request as well
      // as Apollo's own headers do; GET queries from API clients need nothing else.
      requestHeaders: ['authorization', 'apollo-require-preflight', 'x-apollo-operation-name'],
    },
    formatError: createErrorFormatter(logger),
    validationRules: armor.validationRules,
    plugins: [
      ...armor.plugins.map(fromCommonJsTypings),
      fromCommonJsTypings(
        ApolloServerPluginDrainHttpServer({
          httpServer,
          stopGracePeriodMillis: config.http.shutdownTimeoutMs,
        }),
      ),
      drainWebSocketsPlugin(wsServer),
      ...(metrics ? [requestMetricsPlugin<GraphQLContext>(metrics)] : []),
      subscriptionOverHttpPlugin(GRAPHQL_PATH),
      requestErrorStatusPlugin(),
      overloadStatusPlugin(),
      piiAuditPlugin(wiring.access.audit, logger),
      // No field declares a cache hint, and the default plugin wraps every field resolver to
      // look for one (about 9 % of the gateway's CPU on a 360 read).
      ApolloServerPluginCacheControlDisabled(),
      config.http.exposeSchema
        ? sandboxLandingPage(config.http.host, devKey)
        : ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();
  if (config.env === 'production') {
    await assertSchemaHidden(apollo, wiring, logger);
  }
  await feed.start();
  relay.start();

  let shuttingDown = false;
  const readinessDeadlines = {
    postgres: config.postgres.connectTimeoutMs,
    neo4j: config.neo4j.timeoutMs,
    redis: config.redis.commandTimeoutMs,
  };
  expressApp.disable('x-powered-by');
  expressApp.get('/healthz', (_req, res) => {
    res.json(worker === null ? { status: 'ok' } : { status: 'ok', worker });
  });
  expressApp.get('/readyz', async (_req, res) => {
    const readiness = await checkReadiness(backends, readinessDeadlines, shuttingDown);
    res.status(readiness.status === 'ready' ? 200 : 503).json(readiness);
  });
  // A static page: the viewer's API key, typed into it, fetches everything it shows.
  expressApp.use('/dashboard', dashboard());
  if (config.http.exposeSchema) {
    // Off in production with Sandbox and introspection: both are tools for exploring the schema.
    expressApp.use(
      GRAPHIQL_PATH,
      graphiql({ presetKey: devKeyToPreset(config.http.host, devKey) }),
    );
  }
  if (metrics) {
    // Outside the API keys (a scraper has none); METRICS_TOKEN guards it when set.
    expressApp.get('/metrics', metricsEndpoint(metrics, config.metrics.token));
  }
  if (tracingActive()) {
    expressApp.use(GRAPHQL_PATH, traceRequests(GRAPHQL_PATH));
  }
  expressApp.use(
    GRAPHQL_PATH,
    cors<cors.CorsRequest>({ origin: [...config.http.corsOrigins] }),
    express.json({ limit: '1mb' }),
    wellFormedBody(),
    admission(wiring.access.apiKeys, limits),
    expressMiddleware(apollo, {
      context: async ({ req, res }) =>
        createContext(
          wiring,
          logger,
          requestIdOf(req.headers['x-request-id']),
          (res.locals['access'] as Access | undefined) ?? Access.anonymous(),
        ),
    }),
  );
  // Segment's HTTP Tracking API (docs/ingestion.md): its own auth (write key), limits and
  // answers, so none of /graphql's middleware above applies.
  expressApp.use(
    SEGMENT_API_PATH,
    cors<cors.CorsRequest>({ origin: [...config.http.corsOrigins] }),
    segmentApi({ apiKeys: wiring.access.apiKeys, limits, ingestion: wiring.ingestion, logger }),
  );
  expressApp.use(jsonErrorHandler(logger));
  await wiring.start();

  return {
    httpServer,
    apollo,
    devKey,
    catchUp: (timeoutMs) => relay.drain(timeoutMs),
    listen: () =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.http.port, config.http.host, () => {
          const { port } = httpServer.address() as AddressInfo;
          const host =
            config.http.host === '0.0.0.0' || config.http.host === '::'
              ? 'localhost'
              : config.http.host;
          resolve(`http://${host}:${port}${GRAPHQL_PATH}`);
        });
      }),
    stop: async () => {
      shuttingDown = true;
      await apollo.stop();
      // After the drain: requests finished above may have written outbox rows worth relaying.
      await relay.stop();
      await wiring.stop();
      await feed.stop();
      unobserveStores();
    },
  };
}

/**
 * graphql-armor and some of Apollo's plugin entry points are typed against Apollo's CommonJS
 * declarations, whose HeaderMap is nominally distinct from the ESM one; at run time they are
 * the same objects.
 */
function fromCommonJsTypings(plugin: object): ApolloServerPlugin<GraphQLContext> {
  return plugin as ApolloServerPlugin<GraphQLContext>;
}

/** A caller's request id is kept only when it is short and plain, so logs cannot be forged. */
function requestIdOf(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' && /^[\w.-]{1,64}$/.test(header) ? header : undefined;
}

/**
 * In production the schema must not be discoverable. Checked against the running server at
 * start, so a wrong setting stops the process instead of shipping an open schema.
 */
async function assertSchemaHidden(
  apollo: ApolloServer<GraphQLContext>,
  wiring: Wiring,
  logger: Logger,
) {
  const response = await apollo.executeOperation(
    { query: '{ __schema { queryType { name } } }' },
    { contextValue: createContext(wiring, logger) },
  );
  const ok =
    response.body.kind === 'single' && (response.body.singleResult.errors?.length ?? 0) > 0;
  if (!ok) {
    throw new Error('refusing to start: introspection answered in production');
  }
}
