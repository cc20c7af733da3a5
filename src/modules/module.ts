import type { Command } from 'commander';
import type { GraphQLSchema } from 'graphql';

import type { ChangeFeed } from '../changefeed/change-feed.js';
import type { Config } from '../config.js';
import type { GraphQLContext, Loaders } from '../context.js';
import type { GraphDb } from '../datasources/neo4j.js';
import type { Postgres } from '../datasources/postgres.js';
import type { RedisConnections } from '../datasources/redis.js';
import type { LoaderTuning } from '../lib/loader-tuning.js';
import type { Logger } from '../logger.js';
import type { ModuleGauges } from '../observability/metrics.js';
import type { AfterCommit } from '../outbox/after-commit.js';
import type { OutboxApplier } from '../outbox/outbox.topic.js';
import type { GatewayPubSub } from '../subscriptions/pubsub.js';

/** What a module may use of the built gateway. */
export interface GatewayHandle {
  schema: GraphQLSchema;
  /**
   * A context with every scope and the live loaders (nothing projected), for operations the
   * gateway runs itself; nothing it reads is audited, as no caller sees it.
   */
  internalContext(): GraphQLContext;
}

/** The outbox relay as modules see it. */
export interface RelayHandle {
  /** Call after a commit that queued outbox messages, so this instance relays them at once. */
  wake(): void;
  /**
   * Calls `listener` whenever messages leave the outbox (this instance's relay applied some,
   * or another instance's did): work waiting for the stores to catch up may go on.
   */
  onAdvance(listener: () => void): void;
}

/** What a service that writes needs: PostgreSQL, and the relay to wake after its commit. */
export interface WriteDeps {
  db: Postgres;
  relay: Pick<RelayHandle, 'wake'>;
}

/** What every module is built on: the stores, the relay's doorbell and the settings. */
export interface Platform {
  db: Postgres;
  graph: GraphDb;
  /** `null` on the in-process fallback (single instance). */
  redis: RedisConnections | null;
  pubSub: GatewayPubSub;
  /**
   * The durable change feed: append inside a write's transaction (ChangeFeedStore), then
   * `announce()` after commit; subscriptions `listen()` to it with a resume cursor.
   */
  feed: ChangeFeed;
  relay: RelayHandle;
  /**
   * What a write says on this instance right after its commit (the customers whose events it
   * stored), for what must not wait for the relay; see AfterCommit.
   */
  afterCommit: AfterCommit;
  settings: PlatformSettings;
  logger: Logger;
}

/** The parts of the configuration modules read; config itself knows no module. */
export interface PlatformSettings {
  /** Most items one bulk mutation may carry (BATCH_MAX_SIZE). */
  batchMaxSize: number;
  /** The deployment's own identifier kinds (IDENTITY_CUSTOM_TYPES). */
  customIdentityTypes: readonly string[];
  /** How long an API key lookup is cached (API_KEY_CACHE_TTL_MS). */
  keyCacheTtlMs: number;
  /** JSON keys a key without READ_PII may see the values of (NON_PERSONAL_KEYS). */
  nonPersonalKeys: readonly string[];
  /** The secret that keys suppression hashes of erased identities (SUPPRESSION_PEPPER). */
  suppressionPepper: string;
  /** How recommendation models are fitted and refreshed (RECOMMENDATION_*). */
  recommendation: Config['recommendation'];
  /** The 360 read model (READ_MODEL*). */
  readModel: Config['readModel'];
  /** Segment evaluation (SEGMENT_*) and the change feed's retention (CHANGE_FEED_*). */
  segments: Config['segments'];
  /**
   * This deployment's name (a digest of its database): keys shared across instances, such as
   * the locks of one-instance schedules, carry it so deployments sharing a Redis stay apart.
   */
  deployment: string;
  /** Predictive traits: refit period, CLV horizon and discount rate (PREDICTION_*). */
  predictions: Config['predictions'];
  changeFeed: Config['changeFeed'];
  /** Webhook delivery of segment changes (WEBHOOK_*). */
  webhooks: Config['webhooks'];
  /** Gemini, when configured (GEMINI_*): it embeds text instead of the local text model. */
  gemini: Config['gemini'];
  /** Summaries and questions answered from customer data (ASSISTANT_*). */
  assistant: Config['assistant'];
}

/** A resolver class; the wiring constructs it once, with its module's dependencies. */
export type ResolverClass<D> = new (deps: D) => object;

/** Per-request loaders a module adds to `GraphQLContext.loaders`. */
export type LoaderFactory = (tuning: LoaderTuning) => Record<string, { clearAll(): unknown }>;

/**
 * A module's front door (`<name>.module.ts`): everything the module contributes to the
 * gateway. The wiring (src/wiring.ts) folds the module list into the schema, the loaders and
 * the relay's dispatch; nothing else needs to know a module exists.
 */
export interface C360Module<D = unknown> {
  readonly name: string;
  /** Its resolver classes; each is built with `create(...).deps`. */
  readonly resolvers: readonly ResolverClass<D>[];
  /** Subscription topics it publishes (Redis channel names; see docs/events.md). */
  readonly publishes?: readonly string[];
  /** Adds its sub-commands to the `c360` CLI. */
  readonly commands?: readonly ((program: Command, cli: CliContext) => void)[];
  /** Builds its stores and services on the running platform. */
  create(platform: Platform): ModuleInstance<D>;
}

/** What a module builds at start. */
export interface ModuleInstance<D> {
  /** Handed to the constructor of each of its resolvers: explicit dependencies, no locator. */
  deps: D;
  /** Per-request DataLoaders, merged into the context's `loaders`. */
  loaders?: LoaderFactory;
  /** How it follows outbox topics (its own or other modules'). */
  appliers?: readonly OutboxApplier[];
  /**
   * Puts something in front of every request's loaders (the read model answers held loaders
   * from its documents); builds for the module's own use get the loaders without it.
   */
  projectLoaders?(loaders: Loaders): Loaders;
  /** Handed the built schema, for modules that run operations of their own (the read model). */
  bindGateway?(gateway: GatewayHandle): void;
  /** Series of its own on `/metrics` (how far behind its background work is). */
  gauges?: ModuleGauges;
  /** Background work of its own (loading models, schedules), begun once the gateway is built. */
  start?(): Promise<void>;
  /** Ends that work; called when the gateway stops, after the relay. */
  stop?(): Promise<void>;
}

/**
 * Any module, whatever its dependency type: what the module list holds. Resolvers take
 * `never` here because only the module's own `create()` knows what they are built with.
 */
export interface AnyModule extends Omit<C360Module<unknown>, 'resolvers'> {
  readonly resolvers: readonly AnyResolverClass[];
}

/** A resolver class of any module. */
export type AnyResolverClass = new (deps: never) => object;

/** Declares a module with its dependency type inferred and checked against its resolvers. */
export function defineModule<D>(module: C360Module<D>): C360Module<D> {
  return module;
}

/** What the `c360` CLI lends a module's commands. */
export interface CliContext {
  /** The configuration, read from the environment (every problem reported together). */
  loadConfig(): Config;
  /** Opens the configured PostgreSQL (DATABASE_URL, or the embedded one); close() when done. */
  openPostgres(
    config: Config,
    logger: Logger,
  ): Promise<{ postgres: Postgres; close(): Promise<void> }>;
  /**
   * Opens PostgreSQL and Neo4j (configured, or embedded under the data-folder lock) with the
   * outbox appliers of every module, for commands that project the graph; close() when done.
   */
  openGraphStores(config: Config, logger: Logger): Promise<GraphStores>;
  /**
   * Runs a command's work on the configured PostgreSQL (as {@link openPostgres}) and prints
   * what it returns as indented JSON on stdout. Logs go to stderr, from `warn` up unless
   * LOG_LEVEL asks for more detail than `info`, so they stay out of the way of the progress
   * lines. PostgreSQL is closed however the work ends; a throw is the command's failure.
   */
  runOnPostgres(work: (run: CommandRun) => Promise<unknown>): Promise<void>;
}

/** What {@link CliContext.runOnPostgres} hands a command's work. */
export interface CommandRun {
  config: Config;
  logger: Logger;
  postgres: Postgres;
  /** A new progress reporter on stderr: a line per stage, at most one a second within one. */
  progressLines(): (stage: string, done: number, total: number) => void;
}

/** The stores a graph command works on, and the appliers that write the graph. */
export interface GraphStores {
  postgres: Postgres;
  graph: GraphDb;
  /** Every module's outbox appliers, as the relay has them. */
  appliers: readonly OutboxApplier[];
  /** True when PostgreSQL is the embedded one (no other process can be using it). */
  embedded: boolean;
  close(): Promise<void>;
}

/** An operator mistake: said in one line on stderr, without a stack trace. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}
