import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));

/** The gateway as `npm start` runs it, with WORKERS processes behind one port. */
export interface GatewayProcesses {
  url: string;
  /** Resident memory of the gateway's processes together (primary and workers), in MB. */
  rssMb(): number;
  stop(): Promise<void>;
}

/** Starts `dist/src/main.js` with `env` and resolves once its banner names the GraphQL URL. */
export function startGatewayProcesses(env: Record<string, string>): Promise<GatewayProcesses> {
  const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let out = '';
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the gateway exited with ${code}:\n${out}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /(?:open|GraphQL:)\s+(http:\/\/\S+\/graphql)/.exec(out)?.[1];
      if (url) {
        resolve({
          url,
          rssMb: () =>
            execFileSync(
              'ps',
              ['-o', 'rss=', '--pid', String(child.pid), '--ppid', String(child.pid)],
              {
                encoding: 'utf8',
              },
            )
              .split('\n')
              .filter((line) => line.trim() !== '')
              .reduce((sum, kb) => sum + Number(kb) / 1024, 0),
          stop: async () => {
            child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
  });
}
