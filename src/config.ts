import { createHash } from 'node:crypto';
import path from 'node:path';
import { availableParallelism } from 'node:os';

import proxyaddr from 'proxy-addr';
import { z } from 'zod';

import { DEFAULT_NON_PERSONAL_KEYS } from './modules/access/access.kinds.js';

import {
  BUILT_IN_IDENTITY_TYPES,
  CUSTOM_IDENTITY_TYPE_PATTERN,
} from './modules/identity/identity.kinds.js';
import {
  type RecommendationVariant,
  RecommendationVariants,
} from './modules/recommendation/analytics/experiment.kinds.js';

/** Thrown by {@link loadConfig} with every configuration problem listed, one per line. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const optionalUrl = (protocols: readonly string[]) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value) => (value === '' ? undefined : value))
    .refine((value) => value === undefined || protocols.some((p) => value.startsWith(`${p}://`)), {
      message: `must start with ${protocols.map((p) => `${p}://`).join(' or ')}`,
    });

/**
 * A secret of at least 32 characters, or undefined when unset or blank. Never echoed in an
 * error message.
 */
const optionalSecret = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value === '' ? undefined : value))
  .refine((value) => value === undefined || value.length >= 32, {
    message: 'must be at least 32 characters (e.g. `openssl rand -base64 32`)',
  });

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const memorySize = (fallback: string) =>
  z
    .string()
    .regex(/^\d+[kmg]$/i, 'must be a size such as 256m or 1g')
    .default(fallback);
const list = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  );

/** Whether proxy-addr accepts every entry of a TRUST_PROXY list. */
function isTrustList(entries: readonly string[]): boolean {
  try {
    proxyaddr.compile([...entries]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Every environment variable c360 reads. `.env.example` documents each one; keep both in step.
 */
const Env = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
    CORS_ORIGINS: list,
    TRUST_PROXY: list.refine(isTrustList, {
      message:
        'lists proxy addresses or CIDR ranges (10.0.0.0/8), or loopback, linklocal, uniquelocal',
    }),
    IDENTITY_CUSTOM_TYPES: list.pipe(
      z
        .array(
          z
            .string()
            .regex(CUSTOM_IDENTITY_TYPE_PATTERN, 'names are lower-case letters, digits and _')
            .refine((name) => !BUILT_IN_IDENTITY_TYPES.has(name), 'names a built-in identity type'),
        )
        .max(20),
    ),
    NON_PERSONAL_KEYS: z
      .string()
      .optional()
      .transform((value) =>
        value === undefined
          ? DEFAULT_NON_PERSONAL_KEYS
          : value
              .split(',')
              .map((item) => item.trim())
              .filter((item) => item !== ''),
      ),
    C360_DATA_DIR: z.string().min(1).default('.data'),
    DEMO_DATA: z.enum(['auto', 'on', 'off']).default('auto'),
    SHUTDOWN_TIMEOUT_MS: positiveInt(20_000),
    BATCH_MAX_SIZE: positiveInt(1_000),
    GRAPHQL_MAX_DEPTH: positiveInt(10),
    GRAPHQL_MAX_COST: positiveInt(20_000),
    DATALOADER: z.enum(['on', 'off']).default('on'),

    DATABASE_URL: optionalUrl(['postgres', 'postgresql']),
    DATABASE_POOL_MAX: positiveInt(10),
    DATABASE_CONNECT_TIMEOUT_MS: positiveInt(5_000),
    DATABASE_STATEMENT_TIMEOUT_MS: positiveInt(10_000),

    NEO4J_URI: optionalUrl(['bolt', 'bolt+s', 'bolt+ssc', 'neo4j', 'neo4j+s', 'neo4j+ssc']),
    NEO4J_USER: z.string().min(1).default('neo4j'),
    NEO4J_PASSWORD: z.string().default(''),
    NEO4J_TIMEOUT_MS: positiveInt(5_000),
    NEO4J_EMBEDDED_BOLT_PORT: z.coerce.number().int().min(1).max(65535).default(7687),
    NEO4J_EMBEDDED_HEAP: memorySize('768m'),
    NEO4J_EMBEDDED_PAGECACHE: memorySize('256m'),

    REDIS_URL: optionalUrl(['redis', 'rediss']),
    REDIS_COMMAND_TIMEOUT_MS: positiveInt(2_000),

    API_KEY_CACHE_TTL_MS: positiveInt(30_000),
    RATE_LIMIT_PER_KEY_PER_MINUTE: positiveInt(1_200),
    RATE_LIMIT_FAILED_AUTH_PER_MINUTE: positiveInt(30),
    KEY_MAX_CONCURRENT_OPERATIONS: positiveInt(8),
    WS_MAX_SUBSCRIPTIONS_PER_SOCKET: positiveInt(20),
    GRAPHQL_JIT: z.enum(['on', 'off']).default('on'),

    CHANGE_FEED_POLL_MS: positiveInt(1_000),
    CHANGE_FEED_MAX_QUEUE: positiveInt(10_000),
    CHANGE_FEED_RETENTION_DAYS: positiveInt(7),
    PREDICTION_REFIT_MINUTES: z.coerce.number().int().min(0).default(1_440),
    PREDICTION_CLV_HORIZON_DAYS: positiveInt(365),
    PREDICTION_DISCOUNT_RATE: z.coerce.number().min(0).max(1).default(0.1),
    READ_MODEL: z.enum(['auto', 'on', 'off']).default('auto'),
    READ_MODEL_POLL_MS: positiveInt(100),
    READ_MODEL_CACHE_MB: z.coerce.number().int().min(0).default(16),
    READ_MODEL_SIMILAR_MAX_AGE_S: z.coerce.number().int().min(0).default(30),
    SEGMENT_TICK_SECONDS: z.coerce.number().int().min(0).default(60),
    SEGMENT_CHUNK_SIZE: positiveInt(1_000),

    WEBHOOK_POLL_MS: positiveInt(5_000),
    WEBHOOK_TIMEOUT_MS: positiveInt(10_000),
    WEBHOOK_BATCH_SIZE: z.coerce.number().int().min(1).max(1_000).default(100),
    WEBHOOK_RETRY_BASE_MS: positiveInt(1_000),
    WEBHOOK_RETRY_MAX_MS: positiveInt(3_600_000),
    WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: z.enum(['on', 'off']).optional(),

    SUPPRESSION_PEPPER: optionalSecret,

    OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl(['http', 'https']),
    OTEL_SERVICE_NAME: z.string().trim().min(1).default('c360'),

    METRICS: z.enum(['on', 'off']).default('on'),
    METRICS_TOKEN: optionalSecret,
    METRICS_MAX_OPERATION_NAMES: positiveInt(200),

    GEMINI_API_KEY: z
      .string()
      .trim()
      .optional()
      .transform((value) => (value === '' ? undefined : value)),
    GEMINI_BASE_URL: optionalUrl(['http', 'https']),
    GEMINI_EMBEDDING_MODEL: z.string().trim().min(1).default('gemini-embedding-001'),
    // gemini-embedding-001 returns at most 3,072 dimensions; fewer are a prefix of those
    // (Matryoshka training), so a smaller size is a coarser, cheaper embedding.
    GEMINI_EMBEDDING_DIMENSIONS: z.coerce.number().int().min(1).max(3_072).default(256),
    // batchEmbedContents refuses more than 100 requests in one call.
    GEMINI_EMBEDDING_BATCH_SIZE: z.coerce.number().int().min(1).max(100).default(100),
    GEMINI_EMBEDDING_CONCURRENCY: positiveInt(4),
    GEMINI_TIMEOUT_MS: positiveInt(20_000),
    GEMINI_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(5),
    GEMINI_TEXT_MODEL: z.string().trim().min(1).default('gemini-2.5-flash'),
    GEMINI_TEXT_CONCURRENCY: positiveInt(2),
    ASSISTANT_MAX_QUESTION_LENGTH: z.coerce.number().int().min(10).max(10_000).default(500),
    ASSISTANT_SUMMARY_TTL_SECONDS: positiveInt(86_400),
    ASSISTANT_MAX_GENERATIONS_PER_OPERATION: positiveInt(10),
    RECOMMENDATION_REFIT_MINUTES: z.coerce.number().int().min(0).default(60),
    RECOMMENDATION_EASE_LAMBDA: z.coerce.number().positive().default(200),
    RECOMMENDATION_NEIGHBOURS: positiveInt(200),
    RECOMMENDATION_MAX_ITEMS: positiveInt(2_500),
    RECOMMENDATION_TEXT_DIMENSIONS: positiveInt(64),
    RECOMMENDATION_EXPERIMENT: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'must be 1 to 64 lower-case letters, digits, _ . -')
      .default('recommendations'),
    RECOMMENDATION_VARIANTS: RecommendationVariants,
    WORKERS: z
      .union([z.literal('auto'), z.coerce.number().int().min(1).max(64)])
      .default(1)
      .transform((value) => (value === 'auto' ? availableParallelism() : value)),
  })
  .superRefine((e, ctx) => {
    // The embedded stores live inside one process; workers must share configured ones.
    const embedded = [
      e.DATABASE_URL === undefined && 'DATABASE_URL',
      e.NEO4J_URI === undefined && 'NEO4J_URI',
      e.REDIS_URL === undefined && 'REDIS_URL',
    ].filter((name) => name !== false);
    if (e.WORKERS > 1 && embedded.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['WORKERS'],
        message: `${e.WORKERS} workers need configured stores they can share; set ${embedded.join(', ')} (the embedded defaults run in one process)`,
      });
    }
  });

export type NodeEnv = 'development' | 'production' | 'test';

export type LogFormat = 'json' | 'pretty' | 'auto';

/** The parsed, frozen configuration handed to everything that needs a setting. */
export interface Config {
  readonly env: NodeEnv;
  /**
   * Gateway processes on this machine (WORKERS; `auto`: one per core). With more than one, a
   * primary process forks them and they share the port; they need configured stores.
   */
  readonly workers: number;
  readonly http: {
    readonly host: string;
    readonly port: number;
    /** Browser origins allowed by CORS; empty means same-origin only. */
    readonly corsOrigins: readonly string[];
    /** Sandbox landing page and introspection: on outside production, always off in it. */
    readonly exposeSchema: boolean;
    readonly shutdownTimeoutMs: number;
    /** Deepest selection an operation may have (a Relay page of customers is 3 levels). */
    readonly maxDepth: number;
    /** graphql-armor's static cost estimate an operation may reach. */
    readonly maxCost: number;
    /** Operations one graphql-ws socket may run at once; the next one is refused. */
    readonly wsMaxSubscriptionsPerSocket: number;
    /** HTTP operations compiled once with graphql-jit (GRAPHQL_JIT on, the default) or interpreted. */
    readonly compiledExecution: boolean;
  };
  readonly access: {
    /**
     * How long a key lookup is cached (Redis, or in-process without REDIS_URL). Revoking
     * through the gateway clears the entry at once; a CLI revoke without Redis waits this long.
     */
    readonly keyCacheTtlMs: number;
    /** Operations one key may start per minute, across instances sharing Redis. */
    readonly perKeyPerMinute: number;
    /** Failed authentications one address may make per minute before it is refused. */
    readonly failedAuthPerMinute: number;
    /** Operations one key may run at once on one instance (a bulkhead for the pool). */
    readonly keyMaxConcurrent: number;
    /**
     * Reverse proxies (addresses, CIDR ranges, or proxy-addr's names loopback, linklocal,
     * uniquelocal) whose X-Forwarded-For names the client for the failed-authentication limit.
     */
    readonly trustProxy: readonly string[];
  };
  readonly privacy: {
    /**
     * The secret that keys the hashes erasure keeps of an erased customer's identities
     * (HMAC-SHA256). `null` when unset: the embedded database then keeps a generated one in
     * `dataDir`, development and test use a public development pepper, and production with
     * DATABASE_URL refuses to start (see resolveSuppressionPepper).
     */
    readonly suppressionPepper: string | null;
  };
  readonly gemini: {
    /** `null`: no Gemini; recommendations use the local text vectors. Never logged. */
    readonly apiKey: string | null;
    /** Overrides the SDK's endpoint (a proxy, or a local emulator in tests); `null` keeps it. */
    readonly baseUrl: string | null;
    /** Deadline of one HTTP call (one attempt), response body included. */
    readonly timeoutMs: number;
    /** Attempts per call, the first included, on 429, 5xx, timeouts and network errors. */
    readonly maxAttempts: number;
    readonly embedding: {
      readonly model: string;
      /** Requested output size; the API truncates (Matryoshka), c360 re-normalises. */
      readonly dimensions: number;
      /** Texts per batchEmbedContents call (at most 100). */
      readonly batchSize: number;
      /** Calls one embedder keeps in flight at once. */
      readonly concurrency: number;
    };
    /** Generation (summaries, answers): the model and the calls in flight at once. */
    readonly text: {
      readonly model: string;
      readonly concurrency: number;
    };
  };
  /** Summaries and questions answered from customer data (docs/ai.md). */
  readonly assistant: {
    /** Longest question accepted, in characters. */
    readonly maxQuestionLength: number;
    /** How long a cached summary lives when its customer's data does not change. */
    readonly summaryTtlSeconds: number;
    /**
     * Model calls one operation may cause (a page of customers' summaries would otherwise be
     * a call per customer); cached summaries and templates do not count.
     */
    readonly maxGenerationsPerOperation: number;
  };
  readonly log: {
    readonly level: string;
    /**
     * `json`: one JSON object a line (production's default, for log shippers). `pretty`: coloured,
     * one readable line an entry. `auto` (the default outside production): pretty on a terminal,
     * JSON when the output is piped or redirected.
     */
    readonly format: LogFormat;
  };
  readonly tracing: {
    /**
     * OTLP/HTTP collector base URL (`/v1/traces` is appended); `null` turns tracing off, and
     * every span is then a no-op.
     */
    readonly endpoint: string | null;
    readonly serviceName: string;
  };
  readonly metrics: {
    /** Serve Prometheus metrics at `/metrics`. */
    readonly enabled: boolean;
    /**
     * When set, `/metrics` answers only `Authorization: Bearer <token>`; `null` leaves it open
     * to whoever reaches the port (keep it off the public ingress then). Never logged.
     */
    readonly token: string | null;
    /**
     * Distinct operation names the request metrics label by; later names count as `(other)`,
     * so clients inventing names cannot grow the series without bound.
     */
    readonly maxOperationNames: number;
  };
  readonly changeFeed: {
    /** Each instance reads the feed this often even without a Redis notification. */
    readonly pollMs: number;
    /** Entries one subscriber may have waiting before it is ended (it resumes by cursor). */
    readonly maxQueue: number;
    /** Entries older than this are pruned; resuming from before them is CURSOR_EXPIRED. */
    readonly retentionDays: number;
  };
  readonly predictions: {
    /** Refit BG/NBD and Gamma-Gamma this often on one instance; 0: only when asked. */
    readonly refitMinutes: number;
    /** CLV's horizon. */
    readonly clvHorizonDays: number;
    /** CLV's yearly discount rate (0.1 = 10 %). */
    readonly annualDiscountRate: number;
  };
  readonly readModel: {
    /**
     * Serve 360 reads from precomputed documents (READ_MODEL: on, off, or auto, the default:
     * on with DATABASE_URL, off on the embedded PGlite).
     */
    readonly enabled: boolean;
    /** How often each instance looks for documents to rebuild when not woken. */
    readonly pollMs: number;
    /**
     * Decoded documents each instance keeps between requests, in MB of stored document (0:
     * none); a read of one still current fetches only its version (READ_MODEL_CACHE_MB).
     */
    readonly cacheMb: number;
    /**
     * How long a document's similar customers are served after its build (0: never, always
     * searched live). The customer's own vector changing, or a listed one removed, marks the
     * document at once; a listed neighbour's drift or someone coming nearer marks nothing, so
     * this bounds how late they show (READ_MODEL_SIMILAR_MAX_AGE_S).
     */
    readonly similarMaxAgeMs: number;
  };
  readonly segments: {
    /** Re-check time windows and membership ages this often, on one instance; 0: never. */
    readonly tickSeconds: number;
    /** Customers evaluated per statement in full evaluations. */
    readonly chunkSize: number;
  };
  readonly webhooks: {
    /** Each instance looks for due deliveries this often, besides the feed's announcements. */
    readonly pollMs: number;
    /** Deadline of one delivery request, response included. */
    readonly timeoutMs: number;
    /** Most changes one request carries. */
    readonly batchSize: number;
    /** Delay before the first retry; each later one doubles it, up to `retryMaxMs`. */
    readonly retryBaseMs: number;
    readonly retryMaxMs: number;
    /** Attempts per batch, the first included; after the last the batch is dead-lettered. */
    readonly maxAttempts: number;
    /**
     * Deliver to loopback, private, link-local and other non-public addresses. On by default
     * outside production (local receivers, the tests), off by default in it (SSRF).
     */
    readonly allowPrivateNetworks: boolean;
  };
  readonly recommendation: {
    /** Refit the models every this many minutes on one instance; 0: only when asked. */
    readonly refitMinutes: number;
    /** EASE's L2 regularisation of the item-item model. */
    readonly easeLambda: number;
    /** Neighbours kept per item in the served item-item model. */
    readonly neighbours: number;
    /** Items the dense EASE fit may hold when customers outnumber items. */
    readonly maxItems: number;
    /** Dimensions of the local text model. */
    readonly textDimensions: number;
    /** Names the variant set; a new name re-draws every customer's variant. */
    readonly experiment: string;
    /** Variants with their shares of customers; the rest are in `control`. */
    readonly variants: readonly RecommendationVariant[];
  };
  /** Most items one bulk mutation may carry. */
  readonly batchMaxSize: number;
  /** Per-request batching and caching of store reads; off only to measure what it saves. */
  readonly dataLoader: boolean;
  /** The deployment's own identifier kinds, besides email, phone and the built-in ids. */
  readonly customIdentityTypes: readonly string[];
  /** JSON keys (traits, event properties) whose values a key without READ_PII may see. */
  readonly nonPersonalKeys: readonly string[];
  readonly dataDir: string;
  /**
   * Load the demo population into an empty database at start. DEMO_DATA=auto does so only in
   * development, so a new production database never fills with invented customers unless
   * DEMO_DATA=on asks for it; `off` never loads.
   */
  readonly demoData: boolean;
  readonly postgres: {
    /** `null` selects the embedded PGlite database under `dataDir`. */
    readonly url: string | null;
    readonly poolMax: number;
    readonly connectTimeoutMs: number;
    readonly statementTimeoutMs: number;
  };
  readonly neo4j: {
    /** `null` selects the embedded launcher under `neo4j/launcher`. */
    readonly uri: string | null;
    readonly user: string;
    readonly password: string;
    readonly timeoutMs: number;
    readonly embedded: {
      readonly boltPort: number;
      readonly heap: string;
      readonly pageCache: string;
    };
  };
  readonly redis: {
    /** `null` selects the in-process fallback, which serves a single gateway instance. */
    readonly url: string | null;
    readonly commandTimeoutMs: number;
  };
}

/**
 * Names the deployment by the database it writes to (a digest, so no credential shows):
 * instances sharing the database are one deployment, whatever their Redis.
 */
export function deploymentId(config: Pick<Config, 'postgres' | 'dataDir'>): string {
  const database = config.postgres.url ?? `embedded:${path.resolve(config.dataDir)}`;
  return createHash('sha256').update(database).digest('hex').slice(0, 16);
}

/**
 * Parses the environment once. Reports every problem together (not just the first) so a
 * misconfigured deployment is fixed in one round.
 *
 * @throws ConfigError when any variable is missing or malformed.
 */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map(
        (issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`,
      ),
    );
  }
  const e = parsed.data;
  const corsOrigins =
    e.CORS_ORIGINS.length > 0 || e.NODE_ENV === 'production' ? e.CORS_ORIGINS : DEV_CORS_ORIGINS;
  return deepFreeze({
    env: e.NODE_ENV,
    workers: e.WORKERS,
    http: {
      host: e.HOST,
      port: e.PORT,
      corsOrigins,
      exposeSchema: e.NODE_ENV !== 'production',
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxCost: e.GRAPHQL_MAX_COST,
      wsMaxSubscriptionsPerSocket: e.WS_MAX_SUBSCRIPTIONS_PER_SOCKET,
      compiledExecution: e.GRAPHQL_JIT === 'on',
    },
    access: {
      keyCacheTtlMs: e.API_KEY_CACHE_TTL_MS,
      perKeyPerMinute: e.RATE_LIMIT_PER_KEY_PER_MINUTE,
      failedAuthPerMinute: e.RATE_LIMIT_FAILED_AUTH_PER_MINUTE,
      keyMaxConcurrent: e.KEY_MAX_CONCURRENT_OPERATIONS,
      trustProxy: e.TRUST_PROXY,
    },
    privacy: { suppressionPepper: e.SUPPRESSION_PEPPER ?? null },
    gemini: {
      apiKey: e.GEMINI_API_KEY ?? null,
      baseUrl: e.GEMINI_BASE_URL ?? null,
      timeoutMs: e.GEMINI_TIMEOUT_MS,
      maxAttempts: e.GEMINI_MAX_ATTEMPTS,
      embedding: {
        model: e.GEMINI_EMBEDDING_MODEL,
        dimensions: e.GEMINI_EMBEDDING_DIMENSIONS,
        batchSize: e.GEMINI_EMBEDDING_BATCH_SIZE,
        concurrency: e.GEMINI_EMBEDDING_CONCURRENCY,
      },
      text: { model: e.GEMINI_TEXT_MODEL, concurrency: e.GEMINI_TEXT_CONCURRENCY },
    },
    assistant: {
      maxQuestionLength: e.ASSISTANT_MAX_QUESTION_LENGTH,
      summaryTtlSeconds: e.ASSISTANT_SUMMARY_TTL_SECONDS,
      maxGenerationsPerOperation: e.ASSISTANT_MAX_GENERATIONS_PER_OPERATION,
    },
    log: {
      level: e.LOG_LEVEL,
      format: e.LOG_FORMAT ?? (e.NODE_ENV === 'production' ? 'json' : 'auto'),
    },
    tracing: {
      endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT ?? null,
      serviceName: e.OTEL_SERVICE_NAME,
    },
    metrics: {
      enabled: e.METRICS === 'on',
      token: e.METRICS_TOKEN ?? null,
      maxOperationNames: e.METRICS_MAX_OPERATION_NAMES,
    },
    changeFeed: {
      pollMs: e.CHANGE_FEED_POLL_MS,
      maxQueue: e.CHANGE_FEED_MAX_QUEUE,
      retentionDays: e.CHANGE_FEED_RETENTION_DAYS,
    },
    predictions: {
      refitMinutes: e.PREDICTION_REFIT_MINUTES,
      clvHorizonDays: e.PREDICTION_CLV_HORIZON_DAYS,
      annualDiscountRate: e.PREDICTION_DISCOUNT_RATE,
    },
    segments: { tickSeconds: e.SEGMENT_TICK_SECONDS, chunkSize: e.SEGMENT_CHUNK_SIZE },
    // auto: on with a PostgreSQL server; off on the embedded PGlite, whose one connection would
    // queue the projector's builds in front of every request (and the answers are the same).
    readModel: {
      enabled: e.READ_MODEL === 'on' || (e.READ_MODEL === 'auto' && e.DATABASE_URL !== undefined),
      pollMs: e.READ_MODEL_POLL_MS,
      cacheMb: e.READ_MODEL_CACHE_MB,
      similarMaxAgeMs: e.READ_MODEL_SIMILAR_MAX_AGE_S * 1000,
    },
    webhooks: {
      pollMs: e.WEBHOOK_POLL_MS,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      batchSize: e.WEBHOOK_BATCH_SIZE,
      retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
      retryMaxMs: e.WEBHOOK_RETRY_MAX_MS,
      maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      allowPrivateNetworks:
        (e.WEBHOOK_ALLOW_PRIVATE_NETWORKS ?? (e.NODE_ENV === 'production' ? 'off' : 'on')) === 'on',
    },
    recommendation: {
      refitMinutes: e.RECOMMENDATION_REFIT_MINUTES,
      easeLambda: e.RECOMMENDATION_EASE_LAMBDA,
      neighbours: e.RECOMMENDATION_NEIGHBOURS,
      maxItems: e.RECOMMENDATION_MAX_ITEMS,
      textDimensions: e.RECOMMENDATION_TEXT_DIMENSIONS,
      experiment: e.RECOMMENDATION_EXPERIMENT,
      variants: e.RECOMMENDATION_VARIANTS,
    },
    batchMaxSize: e.BATCH_MAX_SIZE,
    dataLoader: e.DATALOADER === 'on',
    customIdentityTypes: e.IDENTITY_CUSTOM_TYPES,
    nonPersonalKeys: e.NON_PERSONAL_KEYS,
    dataDir: path.resolve(e.C360_DATA_DIR),
    demoData: e.DEMO_DATA === 'on' || (e.DEMO_DATA === 'auto' && e.NODE_ENV === 'development'),
    postgres: {
      url: e.DATABASE_URL ?? null,
      poolMax: e.DATABASE_POOL_MAX,
      connectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
    },
    neo4j: {
      uri: e.NEO4J_URI ?? null,
      user: e.NEO4J_USER,
      password: e.NEO4J_PASSWORD,
      timeoutMs: e.NEO4J_TIMEOUT_MS,
      embedded: {
        boltPort: e.NEO4J_EMBEDDED_BOLT_PORT,
        heap: e.NEO4J_EMBEDDED_HEAP,
        pageCache: e.NEO4J_EMBEDDED_PAGECACHE,
      },
    },
    redis: {
      url: e.REDIS_URL ?? null,
      commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
    },
  });
}

/**
 * Outside production, Apollo Sandbox (served from Apollo's origins) and local frontends may
 * call the gateway; production allows exactly what CORS_ORIGINS lists.
 */
const DEV_CORS_ORIGINS = [
  'https://sandbox.embed.apollographql.com',
  'https://studio.apollographql.com',
  'http://localhost:3000',
  'http://localhost:5173',
];

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (child !== null && typeof child === 'object') {
      deepFreeze(child as object);
    }
  }
  return Object.freeze(value);
}
