import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../src/cli/c360.js', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `c360 import <args>` as its own process, with nothing from the developer's shell but
 * the API key (C360_API_KEY; null sends none).
 */
export function runImportCli(apiKey: string | null, args: readonly string[]): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI, 'import', ...args], {
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      ...(apiKey === null ? {} : { C360_API_KEY: apiKey }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A fresh temporary directory; `remove()` deletes it. */
export async function tempDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'c360-import-'));
  return { path: dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The lines of a JSONL file, parsed. */
export async function readJsonLines(file: string): Promise<unknown[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);
}

/**
 * A stand-in for a gateway that goes down: forwards the first `passes` requests to `target`
 * and answers every later one with 503, as a proxy in front of a stopped gateway would.
 */
export async function failingProxy(
  target: string,
  passes: number,
): Promise<{ url: string; forwarded(): number; close(): Promise<void> }> {
  let forwarded = 0;
  const proxy = await startProxy(target, () => {
    if (forwarded >= passes) {
      return { status: 503, text: 'gateway stopped' };
    }
    forwarded += 1;
    return 'forward';
  });
  return { ...proxy, forwarded: () => forwarded };
}

/**
 * A stand-in for a reverse proxy whose request body limit is smaller than the gateway's (as
 * nginx's `client_max_body_size`): answers 413 to a body over `maxBytes`, forwards the others.
 */
export async function bodyLimitProxy(
  target: string,
  maxBytes: number,
): Promise<{ url: string; refused(): number; close(): Promise<void> }> {
  let refused = 0;
  const proxy = await startProxy(target, (body) => {
    if (body.length <= maxBytes) {
      return 'forward';
    }
    refused += 1;
    return { status: 413, text: '<html><body>413 Request Entity Too Large</body></html>' };
  });
  return { ...proxy, refused: () => refused };
}

type ProxyDecision = 'forward' | { status: number; text: string };

/** A loopback HTTP proxy to `target` that lets `decide` answer a request itself. */
async function startProxy(
  target: string,
  decide: (body: Buffer) => ProxyDecision,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const decision = decide(body);
      if (decision !== 'forward') {
        response.writeHead(decision.status, { 'content-type': 'text/plain' }).end(decision.text);
        return;
      }
      void fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: request.headers.authorization ?? '',
        },
        body,
      })
        .then(async (answer) => {
          response.writeHead(answer.status, { 'content-type': 'application/json' });
          response.end(await answer.text());
        })
        .catch(() => response.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
