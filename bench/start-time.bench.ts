/**
 * How long `npm start` takes to reach ready on the embedded defaults, the README's promise
 * ("later starts take seconds"): a first start on a fresh data folder, then a second one on the
 * same folder, as a developer restarts. Each is timed from spawning `npm start` to the
 * start-up banner, the build step included (the second one should find nothing to rebuild).
 *
 *   npm run build && npm run bench:start
 *
 * The store URLs are cleared (embedded PGlite, Neo4j and the in-process fallback), the data
 * folder is a fresh temporary one, and both ports are free ones. Stopped with SIGINT, as Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { freePort } from '../src/lib/free-port.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const READY_TIMEOUT_MS = 600_000;

/** Runs `npm start` until its banner; resolves with the seconds it took, once it has stopped. */
async function timedStart(env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so SIGINT reaches npm and the gateway as Ctrl-C would.
    detached: true,
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit');
  const ready = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready:\n${output}`)), READY_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/Apollo Sandbox:|GraphQL:/.test(output)) {
        clearTimeout(timer);
        resolve((performance.now() - started) / 1_000);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`npm start exited before it was ready:\n${output}`));
    });
  });
  try {
    return await ready;
  } finally {
    process.kill(-child.pid!, 'SIGINT');
    await exited;
  }
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'c360-start-bench-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Empty is unset for c360, and a set variable wins over a `.env` file.
    DATABASE_URL: '',
    NEO4J_URI: '',
    REDIS_URL: '',
    NODE_ENV: 'development',
    C360_DATA_DIR: dataDir,
    PORT: String(await freePort()),
    NEO4J_EMBEDDED_BOLT_PORT: String(await freePort()),
    LOG_LEVEL: 'warn',
  };
  try {
    const first = await timedStart(env);
    console.log(`first start (fresh data folder, demo loaded): ${first.toFixed(1)} s to ready`);
    const second = await timedStart(env);
    console.log(`second start (same folder, nothing changed):  ${second.toFixed(1)} s to ready`);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
