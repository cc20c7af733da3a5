import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import {
  DataFolderLockedError,
  LOCK_FILE,
  lockDataFolder,
} from '../../../src/lib/data-folder-lock.js';
import { freePort } from '../../../src/lib/free-port.js';
import { spawnGateway } from '../../support/gateway-process.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const LOCK_MODULE = fileURLToPath(new URL('../../../src/lib/data-folder-lock.js', import.meta.url));
const CLI = fileURLToPath(new URL('../../../src/cli/c360.js', import.meta.url));

/** Another process that takes the lock on `dataDir` and keeps it until it is killed. */
async function holder(dataDir: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { lockDataFolder } from ${JSON.stringify(LOCK_MODULE)};
       lockDataFolder(${JSON.stringify(dataDir)}, 'a test holder');
       console.log('locked');
       setInterval(() => {}, 1000);`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await once(child.stdout!, 'data');
  return child;
}

/** Runs a command to its end with exactly `env` (plus PATH and HOME). */
async function run(
  command: string,
  args: string[],
  env: Record<string, string>,
  cwd = ROOT,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(command, args, {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

describe('lockDataFolder', () => {
  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'c360-lock-'));
  });

  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("refuses while another process holds the folder, naming that process's pid", async () => {
    const other = await holder(dataDir);
    try {
      assert.throws(
        () => lockDataFolder(dataDir, 'this test'),
        (error: unknown) =>
          error instanceof DataFolderLockedError &&
          error.holder.pid === other.pid &&
          error.message.includes(`pid ${other.pid}`) &&
          error.message.includes('a test holder'),
      );
    } finally {
      other.kill('SIGKILL');
      await once(other, 'exit');
    }
  });

  it('takes over a lock left by a process that died, and removes it on release', async () => {
    const other = await holder(dataDir);
    other.kill('SIGKILL');
    await once(other, 'exit');
    assert.ok(existsSync(path.join(dataDir, LOCK_FILE)), 'a killed holder leaves its file');

    const lock = lockDataFolder(dataDir, 'this test');
    lock.release();
    assert.equal(existsSync(path.join(dataDir, LOCK_FILE)), false);
  });

  it('is released when the holding process exits', async () => {
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { lockDataFolder } from ${JSON.stringify(LOCK_MODULE)};
         lockDataFolder(${JSON.stringify(dataDir)}, 'a short holder');`,
      ],
      { stdio: 'inherit' },
    );
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
    assert.equal(existsSync(path.join(dataDir, LOCK_FILE)), false);
  });
});

describe('commands that open the embedded stores', () => {
  let dataDir: string;
  let other: ChildProcess;

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'c360-lock-'));
    other = await holder(dataDir);
  });

  after(async () => {
    other.kill('SIGKILL');
    await once(other, 'exit');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('c360 migrate refuses before it opens the embedded database', async () => {
    const { code, stderr } = await run(process.execPath, [CLI, 'migrate'], {
      C360_DATA_DIR: dataDir,
    });
    assert.equal(code, 1, stderr);
    assert.match(stderr, new RegExp(`another c360 is using the data folder .*pid ${other.pid}`));
    assert.equal(existsSync(path.join(dataDir, 'pglite')), false, 'PGlite was never opened');
  });

  it('c360 migrate finds the data folder in a .env file', async () => {
    const cwd = await mkdtemp(path.join(os.tmpdir(), 'c360-cwd-'));
    try {
      await writeFile(path.join(cwd, '.env'), `C360_DATA_DIR=${dataDir}\n`);
      const { code, stderr } = await run(process.execPath, [CLI, 'migrate'], {}, cwd);
      assert.equal(code, 1, stderr);
      assert.match(stderr, new RegExp(`pid ${other.pid}`));
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });

  it('c360 recommend fit and neo4j start refuse too', async () => {
    for (const args of [
      ['recommend', 'fit'],
      ['neo4j', 'start'],
    ]) {
      const { code, stderr } = await run(process.execPath, [CLI, ...args], {
        C360_DATA_DIR: dataDir,
      });
      assert.equal(code, 1, `${args.join(' ')}: ${stderr}`);
      assert.match(stderr, new RegExp(`pid ${other.pid}`), args.join(' '));
    }
    assert.equal(existsSync(path.join(dataDir, 'neo4j')), false, 'Neo4j was never started');
  });

  it('npm start refuses before it builds', async () => {
    const built = (await stat(path.join(ROOT, 'dist/src/main.js'))).mtimeMs;
    const { code, stderr } = await run('npm', ['start', '--silent'], { C360_DATA_DIR: dataDir });
    assert.equal(code, 1, stderr);
    assert.match(stderr, new RegExp(`c360 could not start: another c360 .*pid ${other.pid}`));
    assert.equal((await stat(path.join(ROOT, 'dist/src/main.js'))).mtimeMs, built, 'no rebuild');
  });
});

describe('a second gateway on the same data folder', () => {
  it('is refused at once, naming the running one, which releases the folder when it stops', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'c360-lock-'));
    const env = {
      C360_DATA_DIR: dataDir,
      PORT: String(await freePort()),
      NEO4J_EMBEDDED_BOLT_PORT: String(await freePort()),
      NEO4J_EMBEDDED_HEAP: '512m',
      NEO4J_EMBEDDED_PAGECACHE: '64m',
      DEMO_DATA: 'off',
      LOG_LEVEL: 'warn',
    };
    const first = spawnGateway(env);
    try {
      await first.ready;
      const second = spawnGateway({ ...env, PORT: String(await freePort()) });
      assert.equal(await second.exited, 1, second.stderr());
      assert.match(
        second.stderr(),
        new RegExp(
          `c360 could not start: another c360 is using the data folder .*pid ${first.child.pid}`,
        ),
      );
      first.child.kill('SIGTERM');
      assert.equal(await first.exited, 0, first.stderr());
      assert.equal(existsSync(path.join(dataDir, LOCK_FILE)), false, 'released on exit');
    } finally {
      first.child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
