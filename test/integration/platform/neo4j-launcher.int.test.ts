import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { startNeo4jLauncher } from '../../../src/datasources/neo4j-launcher.js';
import { freePort } from '../../../src/lib/free-port.js';
import { createSilentLogger } from '../../../src/logger.js';
import { CustomerProfileDocument } from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { type PrivateNeo4j, startPrivateNeo4j } from '../../support/private-neo4j.js';
import { until } from '../../support/until.js';
import { seedCustomer, seedFamily } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

interface ReadyBody {
  status: string;
  stores: Record<string, { status: string; error?: string }>;
}

describe('embedded Neo4j launcher', () => {
  let neo4j: PrivateNeo4j;
  let gateway: TestApp;
  const readiness = async () => {
    const response = await fetch(`${gateway.baseUrl}/readyz`);
    return { status: response.status, body: (await response.json()) as ReadyBody };
  };

  before(async () => {
    neo4j = await startPrivateNeo4j();
    gateway = await createTestApp({ env: { NEO4J_URI: neo4j.uri } });
  });

  after(async () => {
    await gateway?.stop();
    await neo4j?.dispose();
  });

  it('keeps the graph across a restart, nulls only graph fields while it is down, and recovers', async () => {
    const parent = await seedCustomer(gateway.url, `Parent ${randomUUID()}`, ['books']);
    const child = await seedCustomer(gateway.url, `Child ${randomUUID()}`, ['comics']);
    await seedFamily(gateway, [{ type: 'PARENT_OF', from: parent, to: child }]);

    await neo4j.stop();

    const down = await readiness();
    assert.equal(down.status, 503);
    assert.equal(down.body.stores['neo4j']?.status, 'down');
    assert.equal(down.body.stores['postgres']?.status, 'up');

    const degraded = await execute(gateway.url, CustomerProfileDocument, { id: parent.id });
    assert.equal(
      degraded.data?.customer?.displayName,
      parent.displayName,
      'PostgreSQL fields still answer',
    );
    assert.equal(degraded.data?.customer?.family, null);
    assert.ok(degraded.data?.customer?.similarCustomers, 'pgvector fields still answer');
    assert.deepEqual(
      degraded.errors?.map((e) => [e.path?.join('.'), e.extensions?.['code']]),
      [['customer.family', 'NEO4J_UNAVAILABLE']],
    );

    await neo4j.restart();

    // The driver discards its dead connections on first use; readiness probes repeat anyway.
    const up = await until(readiness, (r) => r.status === 200, 15_000);
    assert.equal(up.status, 200, JSON.stringify(up.body));
    const recovered = await execute(gateway.url, CustomerProfileDocument, { id: parent.id });
    assert.equal(recovered.errors, undefined);
    assert.deepEqual(
      recovered.data?.customer?.family?.map((r) => [r.relation, r.customer?.id]),
      [['CHILD', child.id]],
    );
  });

  it('refuses a second launcher on the same store with a clear message', async () => {
    const logger = createSilentLogger();
    await assert.rejects(
      startNeo4jLauncher({
        dataDir: neo4j.dataDir,
        boltPort: await freePort(),
        heap: '512m',
        pageCache: '64m',
        logger,
      }),
      /embedded Neo4j failed to start/,
    );
  });
});
