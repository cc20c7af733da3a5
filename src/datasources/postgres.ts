import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';

import pg from 'pg';

import { ErrorCode, GatewayError, storeUnavailable } from '../errors.js';
import { storeSpan } from '../lib/traced.js';
import type { Logger } from '../logger.js';

/** What a store sees of PostgreSQL: named, parameterised statements and transactions. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    params?: readonly unknown[],
  ): Promise<pg.QueryResult<R>>;
}

export interface PostgresOptions {
  /** Connection settings; credentials never reach a log. */
  connection: pg.PoolConfig;
  /** Human-readable target without credentials, for start-up and readiness output. */
  target: string;
  kind: 'postgresql' | 'pglite';
  poolMax: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  logger: Logger;
}

/** Emitted for every statement, named by the comment that opens its text (style rule 4). */
export interface ExecutedStatement {
  name: string;
  durationMs: number;
  /** False when the statement failed (any error: unreachable, deadline, constraint...). */
  ok: boolean;
}

/**
 * The PostgreSQL pool, with deadlines on connecting and on every statement, so a stuck database
 * turns into a fast error instead of a hung request. This is the one place PostgreSQL failures
 * are mapped: a refused connection, a lost one or a passed deadline surfaces as
 * POSTGRES_UNAVAILABLE (see errors.ts), so stores, services and resolvers never catch to
 * translate.
 */
export class Postgres implements Queryable {
  readonly kind: PostgresOptions['kind'];
  readonly target: string;
  /** Listeners receive `statement` events with an {@link ExecutedStatement}; tests count them. */
  readonly events = new EventEmitter<{ statement: [ExecutedStatement] }>();
  private readonly pool: pg.Pool;
  private readonly log: Logger;
  private readonly poolMax: number;

  constructor(options: PostgresOptions) {
    this.kind = options.kind;
    this.target = options.target;
    this.pool = new pg.Pool({
      ...options.connection,
      max: options.poolMax,
      connectionTimeoutMillis: options.connectTimeoutMs,
      statement_timeout: options.statementTimeoutMs,
      // Names the instance (host and process) in pg_stat_activity and the server's logs, so an
      // operator of several gateways sees which one holds a lock or runs a slow statement.
      application_name: applicationName(),
      // No JIT compilation: the gateway's statements are short and parameterised, and the
      // planner's estimate for set-based ones (a segment's leaves over 1,000 customers, the
      // catalogue refs of a trackBatch) passes jit_above_cost, so each execution spent
      // 120-270 ms compiling for 20-130 ms of work (EXPLAIN ANALYZE, docs/segments.md).
      // PGlite is built without JIT.
      ...(options.kind === 'postgresql' ? { options: '-c jit=off' } : {}),
    });
    const log = options.logger.child({ module: 'postgres' });
    this.log = log;
    this.poolMax = options.poolMax;
    // An idle client losing its connection must not crash the process; the pool replaces it.
    this.pool.on('error', (err) => log.warn({ err: err.message }, 'idle postgres client failed'));
  }

  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    params: readonly unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    const started = performance.now();
    const span = this.span(text);
    let ok = false;
    try {
      const result = await this.pool.query<R>(text, params as unknown[]);
      ok = true;
      span.end();
      return result;
    } catch (error) {
      span.end(error);
      throw this.failure(error, text);
    } finally {
      this.record(text, started, ok);
    }
  }

  /**
   * Runs `work` inside one transaction on one connection: committed when it resolves, rolled
   * back when it throws (the error is re-thrown).
   */
  async withTransaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch((error: unknown) => {
      throw this.failure(error, 'transaction');
    });
    const tx: Queryable = {
      query: async <R extends pg.QueryResultRow>(text: string, params: readonly unknown[] = []) => {
        const started = performance.now();
        const span = this.span(text);
        let ok = false;
        try {
          const result = await client.query<R>(text, params as unknown[]);
          ok = true;
          span.end();
          return result;
        } catch (error) {
          span.end(error);
          throw this.failure(error, text);
        } finally {
          this.record(text, started, ok);
        }
      },
    };
    try {
      await client.query('BEGIN');
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw this.failure(error, 'transaction');
    } finally {
      client.release();
    }
  }

  /** Runs `work` with one dedicated connection (for session-level locks such as migrations). */
  async withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      return await work(client);
    } finally {
      client.release();
    }
  }

  /** How busy the pool is: every connection in use and callers waiting means saturated. */
  poolState(): { max: number; total: number; idle: number; waiting: number } {
    return {
      max: this.poolMax,
      total: this.pool.totalCount,
      idle: this.pool.idleCount,
      waiting: this.pool.waitingCount,
    };
  }

  /**
   * The public error for a failed statement, logged once here with its cause (statement name
   * and SQLSTATE, never parameters or the driver's message for bad values, which may quote
   * personal input). A caller that waited for a pooled connection in vain while every one was
   * busy gets OVERLOADED (retry shortly), not POSTGRES_UNAVAILABLE: the database is up.
   */
  private failure(error: unknown, text: string): unknown {
    if (error instanceof GatewayError) {
      return error; // mapped (and logged) where it happened
    }
    const statement = statementName(text);
    const code = (error as { code?: unknown }).code;
    if (error instanceof Error && /timeout exceeded when trying to connect/i.test(error.message)) {
      const pool = this.poolState();
      if (pool.total >= pool.max) {
        this.log.warn({ statement, pool }, 'postgres pool saturated');
        return new GatewayError(ErrorCode.OVERLOADED, 'the gateway is busy: retry shortly', {
          originalError: error,
          extensions: { retryAfter: 1 },
        });
      }
    }
    const mapped = storeUnavailable('postgres', error);
    if (mapped instanceof GatewayError) {
      const dataError = typeof code === 'string' && code.startsWith('22');
      this.log.warn(
        {
          statement,
          sqlstate: code,
          ...(dataError ? {} : { err: error instanceof Error ? error.message : String(error) }),
        },
        'postgres statement failed',
      );
    }
    return mapped;
  }

  /** Resolves when PostgreSQL answers a trivial statement within the deadlines. */
  async ping(): Promise<void> {
    await this.query('/* health.ping */ SELECT 1');
  }

  /**
   * Whether the server vacuums on its own. c360's queues (the outbox, read-model marks, the
   * change feed) are rewritten all day: without autovacuum their dead rows pile up and every
   * relay pass scans them (a bench database here held 54,000 dead outbox rows for 14 live
   * ones). PGlite, being single-user, never autovacuums; it is for development.
   */
  async autovacuums(): Promise<boolean> {
    const { rows } = await this.query<{ on: boolean }>(
      `/* health.autovacuum */ SELECT current_setting('autovacuum') = 'on' AS on`,
    );
    return rows[0]!.on;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** A span named by the statement (its comment), never its parameters. */
  private span(text: string) {
    const name = statementName(text);
    return storeSpan(`postgres ${name}`, {
      'db.system.name': 'postgresql',
      'db.query.summary': name,
      'server.address': this.target,
    });
  }

  private record(text: string, started: number, ok: boolean): void {
    if (this.events.listenerCount('statement') === 0) {
      return;
    }
    this.events.emit('statement', {
      name: statementName(text),
      durationMs: performance.now() - started,
      ok,
    });
  }
}

/** The name from a statement's leading `/* name *\/` comment, or `unnamed`. */
export function statementName(text: string): string {
  return /^\s*\/\*\s*([\w.:-]+)\s*\*\//.exec(text)?.[1] ?? 'unnamed';
}

/** `host:port/database` of a connection string, without user or password. */
export function describePostgresUrl(url: string): string {
  const parsed = new URL(url);
  return `postgresql://${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
}

/** `c360@<host>:<pid>`, cut to the 63 characters PostgreSQL keeps of an application name (host names are ASCII). */
export function applicationName(): string {
  return `c360@${hostname()}:${process.pid}`.slice(0, 63);
}
