import { AsyncLocalStorage } from 'node:async_hooks';
import type http from 'node:http';

import { type Postgres, statementName } from '../../src/datasources/postgres.js';

/**
 * Names the PostgreSQL statements a gateway runs while serving one HTTP request, leaving out
 * what runs in the background meanwhile (relay, projector, change feed): a statement counts
 * when it is sent in that request's asynchronous context.
 */
export function recordRequestStatements(postgres: Postgres, server: http.Server) {
  const serving = new AsyncLocalStorage<string[]>();
  let current: string[] | null = null;
  const listeners = server.listeners('request') as http.RequestListener[];
  server.removeAllListeners('request');
  for (const listener of listeners) {
    server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) =>
      current === null
        ? listener(request, response)
        : serving.run(current, () => listener(request, response)),
    );
  }
  const query = postgres.query.bind(postgres);
  postgres.query = ((text: string, parameters?: readonly unknown[]) => {
    serving.getStore()?.push(statementName(text));
    return query(text, parameters);
  }) as Postgres['query'];
  return {
    /** Runs `work` (one request), returning its result and the statements it caused. */
    async during<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
      const statements: string[] = [];
      current = statements;
      try {
        return { result: await work(), statements };
      } finally {
        current = null;
      }
    },
  };
}
