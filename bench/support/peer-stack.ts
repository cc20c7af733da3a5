import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** bench/peers in the source tree: its own npm package, not compiled into dist/. */
const PEERS_DIR = fileURLToPath(new URL('../../../bench/peers/', import.meta.url));

/** The peer stack's server process (bench/peers/server.mjs). */
export interface PeerStack {
  url: string;
  /** Resident memory of the peer's process, in MB. */
  rssMb(): number;
  /** CPU time the peer's process has used so far (user + system), in milliseconds. */
  cpuMs(): number;
  stop(): Promise<void>;
}

/**
 * Installs bench/peers' own dependencies (its package-lock.json) unless they are there: they
 * stay out of c360's package.json, so a plain `npm ci` never fetches them.
 */
export function ensurePeerInstalled(): void {
  if (existsSync(`${PEERS_DIR}node_modules/.package-lock.json`)) {
    return;
  }
  console.error('peers: installing bench/peers (npm ci)');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--prefix', PEERS_DIR], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/**
 * Starts the peer on the same stores, with this process's Node (PostGraphile 5 needs >= 22),
 * and resolves once its banner names the URL.
 */
export function startPeerStack(env: {
  DATABASE_URL: string;
  NEO4J_URI: string;
  DATABASE_POOL_MAX: string;
}): Promise<PeerStack> {
  const child = spawn(process.execPath, [`${PEERS_DIR}server.mjs`], {
    cwd: PEERS_DIR,
    env: { ...process.env, ...env, PORT: '0', NODE_ENV: 'production' },
    // PostGraphile warns at length about columns it cannot type (pgvector's): kept for failures.
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let out = '';
  return new Promise((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`the peer exited with ${code}:\n${out}${errors}`)),
    );
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /peer: (http:\/\/\S+\/graphql)/.exec(out)?.[1];
      if (url) {
        resolve({
          url,
          cpuMs: () => processCpuMs(child.pid!),
          rssMb: () =>
            Number(
              execFileSync('ps', ['-o', 'rss=', '-p', String(child.pid)], { encoding: 'utf8' }),
            ) / 1024,
          stop: async () => {
            child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
  });
}

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
const USER_HZ = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/** A process's user + system CPU time from /proc (fields 14 and 15, after the command name). */
function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
}
