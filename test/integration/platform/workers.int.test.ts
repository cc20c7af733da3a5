import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';

import { print } from 'graphql';

import { freePort } from '../../../src/lib/free-port.js';
import { CustomerUpdatedDocument, UpsertCustomerDocument } from '../../__generated__/graphql.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { type GatewayProcess, spawnGateway } from '../../support/gateway-process.js';
import { subscribe, wsClient } from '../../support/graphql-client.js';
import { TEST_SERVICES } from '../../support/services.js';
import { until } from '../../support/until.js';

/**
 * A request on a connection of its own: the cluster hands each new connection to the next
 * worker in turn, so these spread over the workers as separate clients' requests do.
 */
function freshRequest(
  url: string,
  method: 'GET' | 'POST',
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers, agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** WORKERS=2: one primary, two gateway processes sharing one port and the stores. */
describe('a gateway with two workers', () => {
  let database: TestDatabase;
  let gateway: GatewayProcess;
  let url: string;

  before(async () => {
    database = await createTestDatabase();
    gateway = spawnGateway({
      PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
      NODE_ENV: 'test',
      WORKERS: '2',
      DATABASE_URL: database.url,
      NEO4J_URI: TEST_SERVICES.neo4jUri,
      REDIS_URL: TEST_SERVICES.redisUrl,
      DEMO_DATA: 'off',
    });
    url = await gateway.ready;
  });

  after(async () => {
    gateway?.child.kill('SIGKILL');
    await gateway?.exited;
    await database?.drop();
  });

  it('serves new connections from both workers on one port', async () => {
    const health = url.replace(/\/graphql$/, '/healthz');
    const seen = new Set<number>();
    await until(
      async () => {
        const { body } = await freshRequest(health, 'GET');
        seen.add((JSON.parse(body) as { worker: number }).worker);
        return seen.size;
      },
      (size) => size === 2,
      60_000,
    );
    assert.deepEqual([...seen].sort(), [1, 2]);
  });

  it('a subscriber on one worker hears every write, whichever worker took it', async () => {
    const client = wsClient(url);
    try {
      // From the feed's beginning (this database is new), so no write can slip past the
      // subscription before it is live.
      const updates = subscribe(client, CustomerUpdatedDocument, { afterCursor: '0' });
      const ids = Array.from({ length: 10 }, () => randomUUID());
      for (const id of ids) {
        const written = await freshRequest(
          url,
          'POST',
          { 'content-type': 'application/json', authorization: `Bearer ${gateway.apiKey()}` },
          JSON.stringify({
            query: print(UpsertCustomerDocument),
            variables: { input: { id, displayName: `Written ${id.slice(0, 8)}` } },
          }),
        );
        assert.equal(written.status, 200, written.body);
        assert.doesNotMatch(written.body, /"errors"/);
      }
      const heard = new Set<string>();
      while (heard.size < ids.length) {
        const update = await updates.next(30_000);
        assert.equal(update.errors, undefined, JSON.stringify(update.errors));
        const id = update.data!.customerUpdated.customerId;
        if ((ids as string[]).includes(id)) {
          heard.add(id);
        }
      }
      updates.unsubscribe();
    } finally {
      await client.dispose();
    }
  });

  it('stops every worker on SIGTERM and exits 0, leaving the port closed', async () => {
    gateway.child.kill('SIGTERM');
    assert.equal(await gateway.exited, 0, gateway.stderr());
    await assert.rejects(freshRequest(url.replace(/\/graphql$/, '/healthz'), 'GET'), {
      code: 'ECONNREFUSED',
    });
  });
});

describe('WORKERS on the embedded defaults', () => {
  it('refuses to start, naming the stores to configure', async () => {
    const gateway = spawnGateway({
      PORT: String(await freePort()),
      NODE_ENV: 'test',
      WORKERS: '2',
      C360_DATA_DIR: `/tmp/c360-workers-${randomUUID()}`,
    });
    assert.equal(await gateway.exited, 1);
    assert.match(
      gateway.stderr(),
      /WORKERS: 2 workers need configured stores.*DATABASE_URL, NEO4J_URI, REDIS_URL/,
    );
  });
});
