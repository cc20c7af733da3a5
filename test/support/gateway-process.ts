import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Postgres } from '../../src/datasources/postgres.js';
import { createSilentLogger } from '../../src/logger.js';
import { ALL_SCOPES } from '../../src/modules/access/access.type.js';
import { MemoryKeyCache } from '../../src/modules/access/api-key.cache.js';
import { ApiKeyService } from '../../src/modules/access/api-key.service.js';
import { setDefaultApiKey } from './graphql-client.js';

const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));

/** An empty working directory, so no developer's `.env` reaches a gateway under test. */
const EMPTY_CWD = mkdtempSync(path.join(os.tmpdir(), 'c360-gateway-cwd-'));

/** The gateway as a real operating-system process, as `npm start` runs it. */
export interface GatewayProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /**
   * Resolves with the GraphQL URL from the start-up banner, once an all-scopes key is set as
   * the URL's default for `execute` and `wsClient`: the development key the banner prints, or
   * (with DATABASE_URL) one created in that database.
   */
  ready: Promise<string>;
  /** That key, once `ready` has resolved. */
  apiKey(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

/**
 * Spawns `dist/src/main.js` with exactly `env` (plus PATH and HOME) in an empty working
 * directory, so no setting leaks in from the developer's shell or `.env`. The process is killed when the test process exits.
 */
export function spawnGateway(
  env: Record<string, string>,
  readyTimeoutMs = 180_000,
): GatewayProcess {
  const child = spawn(process.execPath, ['--enable-source-maps', MAIN], {
    cwd: EMPTY_CWD,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      process.removeListener('exit', killOnExit);
      resolve(code);
    }),
  );
  const announced = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`gateway not ready in ${readyTimeoutMs} ms:\n${out}\n${err}`)),
      readyTimeoutMs,
    );
    const onData = () => {
      const url = /(?:Apollo Sandbox:\s+open|GraphQL:\s+)\s*(http:\/\/\S+\/graphql)/.exec(out)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code} before it was ready:\n${out}\n${err}`));
    });
  });
  let apiKey: string | null = null;
  const ready = announced.then(async (url) => {
    apiKey = /Authorization: Bearer (\S+)/.exec(out)?.[1] ?? (await createKey(env['DATABASE_URL']));
    setDefaultApiKey(url, apiKey);
    void exited.then(() => setDefaultApiKey(url, null));
    return url;
  });
  ready.catch(() => undefined);
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    ready,
    apiKey: () => {
      if (apiKey === null) {
        throw new Error('the gateway is not ready yet');
      }
      return apiKey;
    },
    exited,
  };
}

/** An all-scopes key written straight into the gateway's database, as the CLI would. */
async function createKey(databaseUrl: string | undefined): Promise<string> {
  if (databaseUrl === undefined) {
    throw new Error('the gateway printed no development key and has no DATABASE_URL');
  }
  const logger = createSilentLogger();
  const postgres = new Postgres({
    kind: 'postgresql',
    connection: { connectionString: databaseUrl },
    target: 'test',
    poolMax: 1,
    connectTimeoutMs: 5_000,
    statementTimeoutMs: 10_000,
    logger,
  });
  try {
    const service = new ApiKeyService(postgres, new MemoryKeyCache(1_000), logger);
    const { key } = await service.create('test', ALL_SCOPES, {
      keyId: null,
      requestId: null,
      via: 'cli',
    });
    return key;
  } finally {
    await postgres.close();
  }
}
