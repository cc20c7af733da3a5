import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The stores whose calls are timed. */
export type StoreName = 'postgres' | 'neo4j' | 'redis';

/** Which rate limit refused an operation (the same names as src/http/rate-limits.ts). */
type RateLimitName = 'per_key' | 'failed_auth' | 'concurrent';

/** How an HTTP GraphQL operation ended. */
export type Outcome = 'ok' | 'partial' | 'error';

/** Operation label of a request that never reached a known operation (parse or validation). */
export const UNRESOLVED_OPERATION = '(unresolved)';
export const ANONYMOUS_OPERATION = '(anonymous)';
/** Operation label once the distinct names allowed are used up. */
export const OTHER_OPERATION = '(other)';

const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const STORE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface PoolState {
  max: number;
  total: number;
  idle: number;
  waiting: number;
}

export interface OutboxBacklog {
  lane: string;
  pending: number;
  oldestAgeMs: number;
}

export interface GatewayMetricsOptions {
  /** Distinct operation names labelled as themselves; later ones are `(other)`. */
  maxOperationNames: number;
  /** Read at each scrape. */
  poolState: () => PoolState;
  /** Read at each scrape (one PostgreSQL statement), per lane; a failure leaves the last values. */
  outboxBacklog: () => Promise<readonly OutboxBacklog[]>;
  /** The modules' own series. */
  moduleGauges?: readonly ModuleGauges[];
}

/**
 * Gauges a module adds to `/metrics` (ModuleInstance.gauges): `read` runs once per scrape (one
 * statement for all of them) and gives each series its value by name; a failed read leaves the
 * last values.
 */
export interface ModuleGauges {
  /** Series name (c360_<module>_…) → help text. */
  help: Readonly<Record<string, string>>;
  read(): Promise<Readonly<Record<string, number>>>;
}

/**
 * The gateway's Prometheus series, in a registry of its own: several apps in one process (the
 * tests) never collide in prom-client's global registry, and each app's `/metrics` shows its
 * own traffic. Series names are listed in docs/observability.md.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requestDuration: Histogram<'operation' | 'outcome'>;
  private readonly storeDuration: Histogram<'store'>;
  private readonly storeErrors: Counter<'store'>;
  private readonly rateLimitRefusals: Counter<'limit'>;
  private readonly subscriptionsOpen: Gauge;
  private readonly subscriptionMessages: Counter;
  private readonly operationNames = new Set<string>();
  private readonly maxOperationNames: number;

  constructor(options: GatewayMetricsOptions) {
    const registers = [this.registry];
    this.maxOperationNames = options.maxOperationNames;
    this.requestDuration = new Histogram({
      name: 'c360_graphql_request_duration_seconds',
      help: 'HTTP GraphQL operations from request to response, by operation name and outcome',
      labelNames: ['operation', 'outcome'],
      buckets: REQUEST_BUCKETS,
      registers,
    });
    this.storeDuration = new Histogram({
      name: 'c360_store_call_duration_seconds',
      help: 'PostgreSQL statements, Neo4j transactions and Redis commands, failed ones included',
      labelNames: ['store'],
      buckets: STORE_BUCKETS,
      registers,
    });
    this.storeErrors = new Counter({
      name: 'c360_store_errors_total',
      help: 'Store calls that failed (unreachable, deadline, or refused by the store)',
      labelNames: ['store'],
      registers,
    });
    for (const store of ['postgres', 'neo4j', 'redis'] as const) {
      // Present at zero from the start, so rate() and alerts see a series before the first error.
      this.storeErrors.inc({ store }, 0);
    }
    new Gauge({
      name: 'c360_postgres_pool_connections',
      help: 'PostgreSQL pool connections by state',
      labelNames: ['state'],
      registers,
      collect() {
        const pool = options.poolState();
        this.set({ state: 'in_use' }, pool.total - pool.idle);
        this.set({ state: 'idle' }, pool.idle);
      },
    });
    new Gauge({
      name: 'c360_postgres_pool_waiting',
      help: 'Callers waiting for a PostgreSQL pool connection',
      registers,
      collect() {
        this.set(options.poolState().waiting);
      },
    });
    new Gauge({
      name: 'c360_postgres_pool_max',
      help: 'Largest size of the PostgreSQL pool',
      registers,
      collect() {
        this.set(options.poolState().max);
      },
    });
    const backlog = scrapeOnce(options.outboxBacklog);
    new Gauge({
      name: 'c360_outbox_backlog_messages',
      help: 'Outbox messages not yet applied by the relay of their lane',
      labelNames: ['lane'],
      registers,
      async collect() {
        for (const lane of (await backlog()) ?? []) {
          this.set({ lane: lane.lane }, lane.pending);
        }
      },
    });
    new Gauge({
      name: 'c360_outbox_lag_seconds',
      help: 'Age of the oldest outbox message of a lane not yet applied (0 when none waits)',
      labelNames: ['lane'],
      registers,
      async collect() {
        for (const lane of (await backlog()) ?? []) {
          this.set({ lane: lane.lane }, lane.oldestAgeMs / 1000);
        }
      },
    });
    for (const gauges of options.moduleGauges ?? []) {
      const read = scrapeOnce(() => gauges.read());
      for (const [name, help] of Object.entries(gauges.help)) {
        new Gauge({
          name,
          help,
          registers,
          async collect() {
            const value = (await read())?.[name];
            if (value !== undefined) {
              this.set(value);
            }
          },
        });
      }
    }
    this.subscriptionsOpen = new Gauge({
      name: 'c360_subscriptions_open',
      help: 'graphql-ws subscriptions running now',
      registers,
    });
    this.subscriptionMessages = new Counter({
      name: 'c360_subscription_messages_total',
      help: 'Results sent to graphql-ws subscribers',
      registers,
    });
    this.rateLimitRefusals = new Counter({
      name: 'c360_rate_limit_refusals_total',
      help: 'Operations or connections refused by a rate limit, by limit',
      labelNames: ['limit'],
      registers,
    });
    for (const limit of ['per_key', 'failed_auth', 'concurrent'] as const) {
      this.rateLimitRefusals.inc({ limit }, 0);
    }
    // Process metrics (CPU, memory, event loop lag, GC, handles) under their standard names.
    collectDefaultMetrics({ register: this.registry });
  }

  /** Records one HTTP GraphQL operation. `operation` is undefined when none was resolved. */
  observeRequest(operation: string | null | undefined, outcome: Outcome, seconds: number): void {
    this.requestDuration.observe({ operation: this.operationLabel(operation), outcome }, seconds);
  }

  observeStoreCall(store: StoreName, durationMs: number, ok: boolean): void {
    this.storeDuration.observe({ store }, durationMs / 1000);
    if (!ok) {
      this.storeErrors.inc({ store });
    }
  }

  rateLimitRefused(limit: RateLimitName): void {
    this.rateLimitRefusals.inc({ limit });
  }

  subscriptionStarted(): void {
    this.subscriptionsOpen.inc();
  }

  subscriptionEnded(): void {
    this.subscriptionsOpen.dec();
  }

  subscriptionMessageSent(): void {
    this.subscriptionMessages.inc();
  }

  /** The exposition text, and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /**
   * The label of an operation name: itself while fewer than `maxOperationNames` distinct names
   * have been seen (and it is a plain GraphQL name of at most 64 characters), else `(other)`.
   */
  private operationLabel(name: string | null | undefined): string {
    if (name === undefined) {
      return UNRESOLVED_OPERATION;
    }
    if (name === null || name === '') {
      return ANONYMOUS_OPERATION;
    }
    if (this.operationNames.has(name)) {
      return name;
    }
    if (this.operationNames.size >= this.maxOperationNames || !/^[_A-Za-z]\w{0,63}$/.test(name)) {
      return OTHER_OPERATION;
    }
    this.operationNames.add(name);
    return name;
  }
}

/**
 * One call of `read` shared by the gauges that need it within a scrape (they are collected
 * one after the other), so a scrape costs one statement; `null` when it failed.
 */
function scrapeOnce<T>(read: () => Promise<T>): () => Promise<T | null> {
  let last: { at: number; value: Promise<T | null> } | undefined;
  return () => {
    const now = Date.now();
    if (last === undefined || now - last.at > 1_000) {
      last = { at: now, value: read().catch(() => null) };
    }
    return last.value;
  };
}
