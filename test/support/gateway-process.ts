import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));

/** The gateway as a real operating-system process, as `npm start` runs it. */
export interface GatewayProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the GraphQL URL from the start-up banner. */
  ready: Promise<string>;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

/**
 * Spawns `dist/src/main.js` with exactly `env` (plus PATH and HOME), so no setting leaks in
 * from the developer's shell. The process is killed when the test process exits.
 */
export function spawnGateway(
  env: Record<string, string>,
  readyTimeoutMs = 180_000,
): GatewayProcess {
  const child = spawn(process.execPath, ['--enable-source-maps', MAIN], {
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
  const ready = new Promise<string>((resolve, reject) => {
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
  ready.catch(() => undefined);
  return { child, stdout: () => out, stderr: () => err, ready, exited };
}
