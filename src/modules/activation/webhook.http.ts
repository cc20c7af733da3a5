import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';

import { isNonPublicAddress, publicOnlyLookup } from './webhook.address.js';

/** How one request ended. `ok` means a 2xx answer; anything else is retried. */
export interface SendResult {
  ok: boolean;
  /** The HTTP status, or null when no answer came (refused, timed out, blocked). */
  status: number | null;
  /** Why it failed: the status and the start of the answer, or the network error. */
  error: string | null;
  durationMs: number;
}

export interface SendOptions {
  timeoutMs: number;
  allowPrivateNetworks: boolean;
}

/** How much of a failed answer is kept for the log. */
const ERROR_BODY_BYTES = 500;

/**
 * POSTs a JSON body. Redirects are not followed (a 3xx is a failure): following one would let
 * a receiver point c360 at an address the URL check never saw. The deadline covers connecting,
 * sending and the answer. Never throws.
 */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: SendOptions,
): Promise<SendResult> {
  const started = performance.now();
  const finish = (partial: Omit<SendResult, 'durationMs'>): SendResult => ({
    ...partial,
    durationMs: performance.now() - started,
  });
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  // A literal address is connected to without a lookup, so it is checked here.
  if (!options.allowPrivateNetworks && isIP(host) !== 0 && isNonPublicAddress(host)) {
    return finish({ ok: false, status: null, error: `${host} is not a public address` });
  }
  try {
    const { status, text } = await request(target, body, headers, options);
    const ok = status >= 200 && status < 300;
    return finish({ ok, status, error: ok ? null : `HTTP ${status}${text ? `: ${text}` : ''}` });
  } catch (error) {
    return finish({ ok: false, status: null, error: describe(error, options.timeoutMs) });
  }
}

function request(
  target: URL,
  body: string,
  headers: Record<string, string>,
  options: SendOptions,
): Promise<{ status: number; text: string }> {
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'c360-webhooks/1',
          ...headers,
        },
        signal: AbortSignal.timeout(options.timeoutMs),
        ...(options.allowPrivateNetworks ? {} : { lookup: publicOnlyLookup }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < ERROR_BODY_BYTES) {
            chunks.push(chunk);
            size += chunk.length;
          }
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8', 0, ERROR_BODY_BYTES).trim(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function describe(error: unknown, timeoutMs: number): string {
  const err = error as { name?: string; code?: string; message?: string };
  if (err.name === 'AbortError' || err.name === 'TimeoutError') {
    return `no answer within ${timeoutMs} ms`;
  }
  return [err.code, err.message].filter(Boolean).join(': ') || String(error);
}
