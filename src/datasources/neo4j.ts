import { EventEmitter } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import neo4j, {
  type Driver,
  type ManagedTransaction,
  type QueryResult,
  type Session,
} from 'neo4j-driver';

import { storeUnavailable } from '../errors.js';
import { storeSpan } from '../lib/traced.js';
import type { Logger } from '../logger.js';

export interface GraphDbOptions {
  uri: string;
  user: string;
  /** May be empty for a server with auth disabled (the embedded launcher). */
  password: string;
  /** Deadline for acquiring a connection and for each transaction, retries included. */
  timeoutMs: number;
  /** How this graph was reached, for start-up and readiness output. */
  kind: 'neo4j' | 'embedded-neo4j';
  logger: Logger;
}

/** One finished transaction: how long it took, and whether it committed. */
export interface SettledTransaction {
  name: string;
  mode: 'read' | 'write';
  durationMs: number;
  ok: boolean;
}

/** What a graph read runs its statements with (see {@link GraphDb.read}). */
export interface GraphReader {
  run(cypher: string, parameters?: Record<string, unknown>): Promise<QueryResult>;
}

/**
 * The Neo4j driver behind named read and write transactions. Every transaction carries
 * metadata (`app`, `query`) so `SHOW TRANSACTIONS` on the server tells who ran what.
 */
export class GraphDb {
  readonly kind: GraphDbOptions['kind'];
  /**
   * Listeners receive a `transaction` event with each transaction's name as it starts (tests
   * count them), and a `settled` event with its duration and outcome when it ends (metrics).
   */
  readonly events = new EventEmitter<{
    transaction: [{ name: string; mode: 'read' | 'write' }];
    settled: [SettledTransaction];
  }>();
  readonly target: string;
  private readonly driver: Driver;
  private readonly timeoutMs: number;

  constructor(options: GraphDbOptions) {
    this.kind = options.kind;
    this.target = describeNeo4jUri(options.uri);
    this.timeoutMs = options.timeoutMs;
    // With auth disabled (the embedded launcher) the server accepts any basic credentials.
    const auth = neo4j.auth.basic(options.user, options.password);
    this.driver = neo4j.driver(options.uri, auth, {
      // The driver waits 60 s for a connection and retries transactions for 30 s by default;
      // a gateway request must fail fast instead and null only the graph fields.
      connectionAcquisitionTimeout: options.timeoutMs,
      connectionTimeout: options.timeoutMs,
      maxTransactionRetryTime: options.timeoutMs,
      disableLosslessIntegers: true,
      logging: {
        // The driver's warnings repeat every failed connection attempt with a stack trace;
        // readiness and field errors already report an unreachable graph.
        level: 'error',
        logger: (_level, message) => options.logger.child({ module: 'neo4j' }).error(message),
      },
    });
  }

  /**
   * Runs `work`'s reads under the name `name`. Each `run` is its own auto-commit transaction:
   * one round trip (RUN and PULL pipelined), where a managed read transaction costs three
   * (BEGIN, RUN and PULL, COMMIT) and dominated the graph's share of a 360 read. So a read
   * needing one snapshot across statements must be one statement (CALL subqueries), and reads
   * are not retried by the driver: a failure surfaces at once. An unreachable graph surfaces
   * as NEO4J_UNAVAILABLE (the one place Neo4j failures are mapped).
   */
  async read<T>(name: string, work: (reader: GraphReader) => Promise<T>): Promise<T> {
    return this.run(name, 'read', (session) =>
      work({
        run: async (cypher, parameters = {}) =>
          session.run(cypher, parameters, this.txConfig(name)),
      }),
    );
  }

  /** Runs `work` in a write transaction named `name`; retried by the driver on transient errors. */
  async write<T>(name: string, work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    return this.run(name, 'write', (session) => session.executeWrite(work, this.txConfig(name)));
  }

  private async run<T>(
    name: string,
    mode: 'read' | 'write',
    work: (session: Session) => Promise<T>,
  ): Promise<T> {
    this.events.emit('transaction', { name, mode });
    const started = performance.now();
    const span = storeSpan(`neo4j ${name}`, {
      'db.system.name': 'neo4j',
      'db.query.summary': name,
      'db.operation.name': mode,
      'server.address': this.target,
    });
    let ok = false;
    const session = this.driver.session({
      defaultAccessMode: mode === 'read' ? neo4j.session.READ : neo4j.session.WRITE,
    });
    try {
      const result = await work(session);
      ok = true;
      span.end();
      return result;
    } catch (error) {
      span.end(error);
      throw storeUnavailable('neo4j', error);
    } finally {
      await session.close();
      this.events.emit('settled', { name, mode, durationMs: performance.now() - started, ok });
    }
  }

  async ping(): Promise<void> {
    await this.read('health.ping', (tx) => tx.run('RETURN 1'));
  }

  async close(): Promise<void> {
    await this.driver.close();
  }

  private txConfig(name: string) {
    return { timeout: this.timeoutMs, metadata: { app: 'c360', query: name } };
  }
}

/** The project's `neo4j/schema/` folder of ordered, idempotent constraint and index files. */
export const NEO4J_SCHEMA_DIR = fileURLToPath(new URL('../../../neo4j/schema/', import.meta.url));

/**
 * Applies every `neo4j/schema/*.cypher` file in file-name order. Each file holds statements
 * separated by `;` and written with `IF NOT EXISTS`, so applying them again changes nothing.
 * Schema statements cannot share a transaction with each other, so each runs on its own.
 */
export async function applyGraphSchema(graph: GraphDb, dir = NEO4J_SCHEMA_DIR): Promise<string[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.cypher')).sort();
  for (const file of files) {
    const text = await readFile(path.join(dir, file), 'utf8');
    for (const statement of splitCypherStatements(text)) {
      await graph.write(`schema.${file}`, (tx) => tx.run(statement));
    }
  }
  return files;
}

/** Splits a `.cypher` file into statements, dropping `//` comment lines and blank ones. */
export function splitCypherStatements(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => !line.trim().startsWith('//'))
    .join('\n')
    .split(';')
    .map((statement) => statement.trim())
    .filter((statement) => statement !== '');
}

function describeNeo4jUri(uri: string): string {
  const parsed = new URL(uri);
  return `${parsed.protocol}//${parsed.hostname}:${parsed.port || '7687'}`;
}
