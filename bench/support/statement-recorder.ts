import { AsyncLocalStorage } from 'node:async_hooks';
import type http from 'node:http';

import type { GraphDb, GraphReader } from '../../src/datasources/neo4j.js';
import { type Postgres, statementName } from '../../src/datasources/postgres.js';

/** One statement the gateway sent while serving a request, as the floor replays it. */
export interface RecordedStatement {
  store: 'postgres' | 'neo4j';
  /** The statement's name: its leading comment (PostgreSQL) or its read's name (Neo4j). */
  name: string;
  text: string;
  parameters: unknown;
  /**
   * The statement whose answer it waited for (index in the request's list; -1: none): the one
   * that answered last before it was sent. The gateway needed that answer to ask this.
   */
  parent: number;
  /** Steps from the request's start: 0 for statements sent first, parent's depth + 1 otherwise. */
  depth: number;
}

/** Every statement of one request, in the order they were sent. */
export type RecordedRequest = RecordedStatement[];

interface Timed extends Omit<RecordedStatement, 'parent' | 'depth'> {
  started: number;
  ended: number;
}

/**
 * Records the statements the gateway sends to PostgreSQL and Neo4j while serving a request, by
 * wrapping the two datasource instances the bench's gateway uses and its HTTP server's request
 * listeners: a statement counts when it runs in a request's asynchronous context, so the
 * relay's and the change feed's polls in the background are left out.
 */
export class StatementRecorder {
  private readonly serving = new AsyncLocalStorage<Timed[]>();
  private current: Timed[] | null = null;
  private readonly restore: () => void;

  constructor(postgres: Postgres, graph: GraphDb, server: http.Server) {
    const listeners = server.listeners('request') as http.RequestListener[];
    server.removeAllListeners('request');
    for (const listener of listeners) {
      server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) =>
        this.current === null
          ? listener(request, response)
          : this.serving.run(this.current, () => listener(request, response)),
      );
    }
    const query = postgres.query.bind(postgres);
    postgres.query = (async (text: string, parameters?: readonly unknown[]) =>
      this.timed('postgres', statementName(text), text, parameters ?? [], () =>
        query(text, parameters),
      )) as Postgres['query'];
    const read = graph.read.bind(graph);
    graph.read = (async (name: string, work: (reader: GraphReader) => Promise<unknown>) =>
      read(name, (reader) =>
        work({
          run: (cypher, parameters = {}) =>
            this.timed('neo4j', name, cypher, parameters, () => reader.run(cypher, parameters)),
        }),
      )) as GraphDb['read'];
    this.restore = () => {
      postgres.query = query;
      graph.read = read;
      server.removeAllListeners('request');
      for (const listener of listeners) {
        server.on('request', listener);
      }
    };
  }

  /** Puts the datasources back as they were, so measured requests pay nothing for recording. */
  stop(): void {
    this.restore();
  }

  /** The statements sent while `request` ran; requests must not overlap. */
  async record(request: () => Promise<void>): Promise<RecordedRequest> {
    this.current = [];
    try {
      await request();
      return withParents(this.current);
    } finally {
      this.current = null;
    }
  }

  private async timed<T>(
    store: Timed['store'],
    name: string,
    text: string,
    parameters: unknown,
    run: () => Promise<T>,
  ): Promise<T> {
    const statements = this.serving.getStore();
    const started = performance.now();
    try {
      return await run();
    } finally {
      statements?.push({ store, name, text, parameters, started, ended: performance.now() });
    }
  }
}

function withParents(statements: Timed[]): RecordedRequest {
  const ordered = [...statements].sort((a, b) => a.started - b.started);
  const recorded: RecordedStatement[] = [];
  ordered.forEach(({ store, name, text, parameters, started }, index) => {
    let parent = -1;
    for (let before = 0; before < index; before += 1) {
      const ended = ordered[before]!.ended;
      if (ended <= started && (parent === -1 || ended > ordered[parent]!.ended)) {
        parent = before;
      }
    }
    const depth = parent === -1 ? 0 : recorded[parent]!.depth + 1;
    recorded.push({ store, name, text, parameters, parent, depth });
  });
  return recorded;
}
