import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

import { freePort } from '../../src/lib/free-port.js';

/**
 * A redis-server of a test's own, so stopping it cannot disturb other tests. `restart()` starts
 * a fresh, empty server on the same port (nothing is saved), as after a crash.
 */
export interface PrivateRedis {
  url: string;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const start = async (): Promise<ChildProcess> => {
    const server = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    for await (const chunk of server.stdout!) {
      output += String(chunk);
      if (output.includes('Ready to accept connections')) {
        break;
      }
    }
    if (!output.includes('Ready to accept connections')) {
      throw new Error(`redis-server on port ${port} did not start: ${output}`);
    }
    server.stdout!.resume();
    return server;
  };
  const stop = async (server: ChildProcess) => {
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGTERM');
      await once(server, 'exit');
    }
  };
  let server = await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => stop(server),
    async restart() {
      await stop(server);
      server = await start();
    },
  };
}
