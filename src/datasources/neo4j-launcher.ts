import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import type { Logger } from '../logger.js';

/** The Maven project that embeds Neo4j Community 5.26 behind a Bolt connector. */
export const LAUNCHER_DIR = fileURLToPath(new URL('../../../neo4j/launcher/', import.meta.url));

/** Raised when the embedded Neo4j cannot be built or started; its message is for humans. */
export class LauncherError extends Error {
  override name = 'LauncherError';
}

export interface LauncherOptions {
  dataDir: string;
  boltPort: number;
  heap: string;
  pageCache: string;
  logger: Logger;
  /** How long to wait for the ready line; the first start on a new store takes longest. */
  startTimeoutMs?: number;
}

/** A running launcher process. `stop()` is idempotent and always resolves. */
export interface RunningNeo4j {
  uri: string;
  pid: number;
  stop(): Promise<void>;
}

const READY = 'C360_NEO4J_READY ';
const FAILED = 'C360_NEO4J_FAILED ';
const STAMP_FILE = '.c360-build-stamp';

/**
 * Builds the launcher with Maven unless the compiled classes match the current sources (a hash
 * of pom.xml and src/ is stamped into target/). The first build downloads Neo4j's jars from
 * Maven Central into ~/.m2; later ones are skipped.
 *
 * @throws LauncherError when Java 17+ or Maven is missing, or the build fails.
 */
export async function ensureLauncherBuilt(
  logger: Logger,
  launcherDir = LAUNCHER_DIR,
): Promise<void> {
  requireJava();
  const target = path.join(launcherDir, 'target');
  const stampPath = path.join(target, STAMP_FILE);
  const wanted = await sourceHash(launcherDir);
  if (existsSync(stampPath) && (await readFile(stampPath, 'utf8')) === wanted) {
    return;
  }
  requireTool('mvn', ['-v'], 'Maven');
  logger.info(
    { dir: launcherDir },
    'building embedded neo4j launcher (first run downloads neo4j from maven central)',
  );
  const build = spawnSync(
    'mvn',
    ['-q', '-B', '-f', path.join(launcherDir, 'pom.xml'), 'package', '-DskipTests'],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  if (build.status !== 0) {
    const tail = `${build.stdout}\n${build.stderr}`.trim().split('\n').slice(-15).join('\n');
    throw new LauncherError(
      `building the embedded Neo4j launcher failed (mvn exit ${build.status}):\n${tail}`,
    );
  }
  await writeFile(stampPath, wanted);
}

/**
 * Starts the launcher JVM and resolves once Neo4j prints its ready line. The process is
 * stopped with SIGTERM (Neo4j's shutdown hook flushes the store); it is also signalled if this
 * Node process exits first, so no JVM outlives its owner holding the store lock.
 *
 * @throws LauncherError when the JVM exits or reports a failure before it is ready, or times out.
 */
export async function startNeo4jLauncher(
  options: LauncherOptions,
  launcherDir = LAUNCHER_DIR,
): Promise<RunningNeo4j> {
  await mkdir(options.dataDir, { recursive: true });
  const log = options.logger.child({ module: 'neo4j-launcher' });
  const child = spawn('java', javaArgs(options, launcherDir), {
    cwd: launcherDir,
    env: {
      ...process.env,
      C360_NEO4J_DATA_DIR: options.dataDir,
      C360_NEO4J_BOLT_HOST: '127.0.0.1',
      C360_NEO4J_BOLT_PORT: String(options.boltPort),
      C360_NEO4J_PAGECACHE: options.pageCache,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a Ctrl-C in the terminal reaches only the gateway, which stops
    // Neo4j after in-flight requests have finished instead of both stopping at once.
    detached: true,
  });
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  const stderrTail: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 20) {
      stderrTail.shift();
    }
  });

  const uri = await waitForReady(child, options.startTimeoutMs ?? 180_000, stderrTail).catch(
    (error: unknown) => {
      process.removeListener('exit', killOnExit);
      child.kill('SIGKILL');
      throw error;
    },
  );
  log.info({ uri, pid: child.pid }, 'embedded neo4j ready');
  let stopping: Promise<void> | undefined;
  return {
    uri,
    pid: child.pid!,
    stop: () => {
      stopping ??= stopChild(child).finally(() => process.removeListener('exit', killOnExit));
      return stopping;
    },
  };
}

function javaArgs(options: LauncherOptions, launcherDir: string): string[] {
  return [
    `-Xmx${options.heap}`,
    // Neo4j reaches into these JDK internals; its own start scripts pass the same openings.
    '--add-opens=java.base/java.nio=ALL-UNNAMED',
    '--add-opens=java.base/java.io=ALL-UNNAMED',
    '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
    '--add-opens=java.base/java.lang=ALL-UNNAMED',
    '-XX:+UseG1GC',
    '-cp',
    [
      path.join(launcherDir, 'target', 'classes'),
      path.join(launcherDir, 'target', 'lib', '*'),
    ].join(path.delimiter),
    'io.c360.neo4j.Launcher',
  ];
}

function waitForReady(
  child: ChildProcess,
  timeoutMs: number,
  stderrTail: string[],
): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new LauncherError(`embedded Neo4j was not ready within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const lines = createInterface({ input: child.stdout! });
    const settle = (action: () => void) => {
      clearTimeout(timer);
      child.removeListener('exit', onExit);
      action();
    };
    const onExit = (code: number | null) =>
      settle(() =>
        reject(
          new LauncherError(
            `embedded Neo4j exited (code ${code}) before it was ready:\n${stderrTail.slice(-5).join('\n')}`,
          ),
        ),
      );
    child.once('exit', onExit);
    child.once('error', (error) =>
      settle(() => reject(new LauncherError(`cannot run java: ${error.message}`))),
    );
    lines.on('line', (line) => {
      if (line.startsWith(READY)) {
        settle(() => resolve(line.slice(READY.length).trim()));
      } else if (line.startsWith(FAILED)) {
        settle(() =>
          reject(new LauncherError(`embedded Neo4j failed to start: ${line.slice(FAILED.length)}`)),
        );
      }
    });
  });
}

/** SIGTERM, then SIGKILL if Neo4j has not shut down within 30 s. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function requireJava(): void {
  const version = requireTool('java', ['-version'], 'Java 17 or newer');
  const major = Number(/version "(\d+)/.exec(version)?.[1] ?? 0);
  if (major < 17) {
    throw new LauncherError(
      `the embedded Neo4j needs Java 17 or newer, found: ${version.split('\n')[0]}`,
    );
  }
}

function requireTool(command: string, args: string[], what: string): string {
  const probe = spawnSync(command, args, { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new LauncherError(
      `NEO4J_URI is not set, so c360 starts an embedded Neo4j, which needs ${what} on the PATH ` +
        `(\`${command}\` ${probe.error ? 'was not found' : 'failed'}). Install it, or set NEO4J_URI ` +
        'to a running Neo4j 5 server (for example bolt://127.0.0.1:7687).',
    );
  }
  return `${probe.stdout}${probe.stderr}`;
}

async function sourceHash(launcherDir: string): Promise<string> {
  const hash = createHash('sha256');
  const files = [
    path.join(launcherDir, 'pom.xml'),
    ...(await listFiles(path.join(launcherDir, 'src'))),
  ].sort();
  for (const file of files) {
    hash.update(path.relative(launcherDir, file)).update(await readFile(file));
  }
  return hash.digest('hex');
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}
