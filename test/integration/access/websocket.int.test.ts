import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import WebSocket from 'ws';

import {
  CreateApiKeyDocument,
  CustomerUpdatedDocument,
  UpsertCustomerDocument,
} from '../../__generated__/graphql.js';
import { actUntilEvent, execute, subscribe, wsClient } from '../../support/graphql-client.js';
import { seedCustomer } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

const MAX_PER_SOCKET = 2;

describe('graphql-ws access', () => {
  let gateway: TestApp;

  before(async () => {
    gateway = await createTestApp({
      env: { WS_MAX_SUBSCRIPTIONS_PER_SOCKET: String(MAX_PER_SOCKET) },
    });
  });

  after(async () => {
    await gateway.stop();
  });

  /** Sends connection_init with `payload` on a raw socket; resolves with the close code. */
  const closeCodeAfterInit = (payload?: Record<string, unknown>) =>
    new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(gateway.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
      socket.once('open', () =>
        socket.send(JSON.stringify({ type: 'connection_init', ...(payload ? { payload } : {}) })),
      );
      socket.once('message', (data: Buffer) => {
        socket.close();
        reject(new Error(`socket accepted: ${data.toString()}`));
      });
      socket.once('close', (code) => resolve(code));
    });

  it('closes a socket without a key, or with an unknown one, with 4403', async () => {
    assert.equal(await closeCodeAfterInit(), 4403);
    assert.equal(
      await closeCodeAfterInit({ authorization: `Bearer c360_00000000_${'A'.repeat(43)}` }),
      4403,
    );
  });

  it('delivers subscription events to a socket with a key, masked without read:pii', async () => {
    const created = await execute(gateway.url, CreateApiKeyDocument, {
      name: 'dashboard',
      scopes: ['READ'],
    });
    const client = wsClient(gateway.url, { apiKey: created.data!.createApiKey.key });
    const person = await seedCustomer(gateway.url, 'Grace Hopper', []);
    try {
      const subscription = subscribe(client, CustomerUpdatedDocument, { id: person.id });
      const event = await actUntilEvent(subscription, () =>
        execute(gateway.url, UpsertCustomerDocument, {
          input: { id: person.id, displayName: `Grace ${randomUUID()}` },
        }),
      );

      assert.equal(event.errors, undefined);
      assert.equal(event.data?.customerUpdated.customerId, person.id);
      assert.equal(event.data?.customerUpdated.customer?.displayName, '•••');
      subscription.unsubscribe();
    } finally {
      await client.dispose();
    }
  });

  it(`refuses a subscription beyond ${MAX_PER_SOCKET} on one socket and keeps the others`, async () => {
    const client = wsClient(gateway.url);
    const person = await seedCustomer(gateway.url, 'Busy Socket', []);
    try {
      const open = Array.from({ length: MAX_PER_SOCKET }, () =>
        subscribe(client, CustomerUpdatedDocument, { id: person.id }),
      );
      const extra = subscribe(client, CustomerUpdatedDocument, { id: person.id });

      const refused = await extra.next();
      assert.match(refused.errors?.[0]?.message ?? '', /at most 2 operations/);

      const event = await actUntilEvent(open[0]!, () =>
        execute(gateway.url, UpsertCustomerDocument, {
          input: { id: person.id, displayName: `Busy ${randomUUID()}` },
        }),
      );
      assert.equal(event.data?.customerUpdated.customerId, person.id);
      open.forEach((subscription) => subscription.unsubscribe());
    } finally {
      await client.dispose();
    }
  });
});
