import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import WebSocket from 'ws';

import { freePort } from '../../../src/lib/free-port.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { spawnGateway } from '../../support/gateway-process.js';
import { TEST_SERVICES } from '../../support/services.js';

const QUERY = JSON.stringify({
  query:
    '{ customers(first: 20) { edges { node { id displayName family { relation } similarCustomers(first: 5) { score } } } } }',
});

describe('SIGTERM', () => {
  let database: TestDatabase;

  before(async () => {
    database = await createTestDatabase();
  });

  after(async () => {
    await database.drop();
  });

  it('drains in-flight requests, closes sockets with 1001 and exits 0', async () => {
    const port = await freePort();
    const gateway = spawnGateway({
      PORT: String(port),
      LOG_LEVEL: 'info',
      DATABASE_URL: database.url,
      NEO4J_URI: TEST_SERVICES.neo4jUri,
      REDIS_URL: TEST_SERVICES.redisUrl,
      DEMO_DATA: 'auto',
      // 60 requests in flight with one key: the drain is under test, not the per-key bulkhead.
      KEY_MAX_CONCURRENT_OPERATIONS: '100',
    });
    const url = await gateway.ready;
    const base = url.replace(/\/graphql$/, '');

    const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    await new Promise<void>((resolve) => {
      socket.once('open', () =>
        socket.send(
          JSON.stringify({
            type: 'connection_init',
            payload: { authorization: `Bearer ${gateway.apiKey()}` },
          }),
        ),
      );
      socket.once('message', () => resolve());
    });

    // Load: a stream of requests over keep-alive sockets; the signal lands while many are open.
    const post = () =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${gateway.apiKey()}`,
        },
        body: QUERY,
      }).then(
        async (response) => ({
          status: response.status,
          body: (await response.json()) as { errors?: unknown },
        }),
        (error: unknown) => ({ status: 0, error }),
      );
    const warm = await post();
    assert.equal(warm.status, 200);

    const inFlight = Array.from({ length: 60 }, post);
    // Signal once the first answer is back: the others are then on the wire or being served.
    await Promise.race(inFlight);
    const signalledAt = performance.now();
    gateway.child.kill('SIGTERM');
    const readyDuringShutdown = await firstNotReady(`${base}/readyz`);
    const results = await Promise.all(inFlight);
    const code = await gateway.exited;
    const stopMs = performance.now() - signalledAt;

    assert.equal(code, 0, gateway.stderr());
    assert.ok(stopMs < 25_000, `stopped in ${Math.round(stopMs)} ms`);
    assert.equal(await closed, 1001);
    assert.ok(
      [0, 503].includes(readyDuringShutdown.status),
      `readyz during shutdown: ${readyDuringShutdown.status}`,
    );
    assert.ok(
      readyDuringShutdown.afterMs < 5_000,
      `readyz still 200 after ${readyDuringShutdown.afterMs} ms`,
    );
    // Every request the server accepted was answered in full; none was cut off half-way or failed.
    const answered = results.filter((r) => r.status !== 0);
    assert.ok(answered.length > 0, 'some requests were in flight when the signal arrived');
    for (const result of answered) {
      assert.equal(result.status, 200);
      assert.equal((result as { body: { errors?: unknown } }).body.errors, undefined);
    }
    assert.match(gateway.stdout(), /"msg":"stopped"/);
  });
});

/** Polls readiness until it is not 200 (503, or the connection refused); how long that took. */
async function firstNotReady(url: string): Promise<{ status: number; afterMs: number }> {
  const started = performance.now();
  for (;;) {
    const status = await fetch(url).then(
      (r) => r.status,
      () => 0,
    );
    if (status !== 200 || performance.now() - started > 5_000) {
      return { status, afterMs: performance.now() - started };
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
