import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { freePort } from '../../src/lib/free-port.js';
import {
  ForYouDocument,
  CustomerUpdatedDocument,
  RecentCustomersDocument,
  UpsertCustomerDocument,
} from '../__generated__/graphql.js';
import { actUntilEvent, execute, subscribe, wsClient } from '../support/graphql-client.js';
import { type GatewayProcess, spawnGateway } from '../support/gateway-process.js';

/**
 * What the README's first command gives a newcomer: no store URLs at all, so PGlite, the
 * embedded Neo4j launcher and the in-process fallback for Redis, with demo data loaded.
 */
describe('embedded defaults', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let firstKey: string;

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'c360-embedded-'));
    env = {
      C360_DATA_DIR: dataDir,
      PORT: String(await freePort()),
      NEO4J_EMBEDDED_BOLT_PORT: String(await freePort()),
      NEO4J_EMBEDDED_HEAP: '512m',
      NEO4J_EMBEDDED_PAGECACHE: '64m',
      LOG_LEVEL: 'warn',
    };
  });

  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const stop = async (gateway: GatewayProcess) => {
    gateway.child.kill('SIGTERM');
    assert.equal(await gateway.exited, 0, gateway.stderr());
  };

  it('starts on PGlite, the launcher and the in-process fallback, with demo data to query', async () => {
    const gateway = spawnGateway(env);
    const url = await gateway.ready;
    try {
      assert.match(gateway.stdout(), /postgres:\s+pglite /);
      assert.match(gateway.stdout(), /neo4j:\s+embedded-neo4j bolt:\/\/127\.0\.0\.1:/);
      assert.match(gateway.stdout(), /redis:\s+in-process fallback/);
      firstKey = gateway.apiKey();
      assert.match(firstKey, /^c360_[0-9a-f]{8}_[\w-]{43}$/, 'the banner prints a development key');
      const sandbox = await fetch(url, { headers: { accept: 'text/html' } });
      assert.ok((await sandbox.text()).includes(firstKey), 'Sandbox starts with the key preset');
      assert.match(gateway.stdout(), /GraphiQL:\s+http:\/\/\S+\/graphiql\//);
      const graphiql = await fetch(url.replace(/\/graphql$/, '/graphiql/'));
      assert.ok((await graphiql.text()).includes(firstKey), 'GraphiQL starts with the key preset');

      const result = await execute(url, RecentCustomersDocument, { first: 100 });
      assert.equal(result.errors, undefined);
      const customers = result.data!.customers.edges.map((edge) => edge.node);
      assert.ok(customers.length >= 30, `demo customers: ${customers.length}`);
      assert.ok(customers.some((c) => c.family!.some((r) => r.relation === 'SPOUSE')));
      assert.ok(customers.every((c) => c.similarCustomers!.length === 3));
      // The README's recommendation example answers on the demo, explained.
      const forYou = await execute(url, ForYouDocument, {});
      assert.equal(forYou.errors, undefined, JSON.stringify(forYou.errors));
      for (const { node } of forYou.data!.customers.edges) {
        assert.equal(node.recommendations.length, 3, `${node.displayName} gets 3`);
        assert.ok(node.recommendations.every((r) => r.reasons.length > 0 && r.item !== null));
      }
      assert.ok(
        forYou.data!.searchProducts.some((m) => /coffee/i.test(m.product?.name ?? '')),
        JSON.stringify(forYou.data!.searchProducts),
      );
      assert.ok(forYou.data!.trendingProducts.length > 0);

      const ready = await fetch(url.replace(/\/graphql$/, '/readyz'));
      assert.equal(ready.status, 200);

      const client = wsClient(url);
      const target = customers[0]!;
      const subscription = subscribe(client, CustomerUpdatedDocument, { id: target.id });
      const event = await actUntilEvent(subscription, () =>
        execute(url, UpsertCustomerDocument, {
          input: { id: target.id, displayName: 'Renamed In Smoke Test' },
        }),
      );
      assert.equal(event.data?.customerUpdated.customer?.displayName, 'Renamed In Smoke Test');
      await client.dispose();
    } finally {
      await stop(gateway);
    }
  });

  it('restarts on the same data folder without loading the demo twice', async () => {
    const gateway = spawnGateway(env);
    const url = await gateway.ready;
    try {
      assert.equal(gateway.apiKey(), firstKey, 'a restart prints the same development key');
      const result = await execute(url, RecentCustomersDocument, { first: 100 });
      const customers = result.data!.customers.edges.map((edge) => edge.node);
      const names = customers.map((c) => c.displayName);
      assert.ok(
        names.includes('Renamed In Smoke Test'),
        'the change made before the restart is still there',
      );
      assert.equal(new Set(customers.map((c) => c.id)).size, names.length);
    } finally {
      await stop(gateway);
    }
  });
});
