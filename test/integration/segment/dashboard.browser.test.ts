import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';

import type { Page } from 'playwright-core';

import {
  DefineSegmentDocument,
  SegmentStateDocument,
  TrackDocument,
  UpsertCustomerDocument,
} from '../../__generated__/graphql.js';
import { launchBrowser, type TestBrowser } from '../../support/browser.js';
import { execute } from '../../support/graphql-client.js';
import { relayed, removeFromGraph } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { until } from '../../support/until.js';

interface Customer {
  id: string;
  email: string;
}

/** Long enough for a segment to be built or a page to update; the waits end at the condition. */
const WAIT_MS = 30_000;
/** The dashboard reads its list again this often on its own (dashboard.js). */
const LIST_REFRESH_MS = 30_000;

describe('the segments dashboard in a browser', () => {
  let gateway: TestApp;
  let browser: TestBrowser;
  /** WebSocket connections the gateway accepted, so the test can cut them. */
  const sockets: Socket[] = [];
  /** While set, every new WebSocket connection is cut at once (the gateway "unreachable"). */
  let refuseSockets = false;
  const customers: Customer[] = [];

  before(async () => {
    gateway = await createTestApp();
    gateway.app.httpServer.on('upgrade', (_request, socket: Socket) => {
      if (refuseSockets) {
        socket.destroy();
      } else {
        sockets.push(socket);
      }
    });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    if (gateway) {
      await removeFromGraph(
        gateway.backends,
        customers.map((c) => c.id),
      );
      await gateway.stop();
    }
  });

  it('shows a segment, its size and its entries live, and misses none across a reconnect', async () => {
    const segmentKey = `dashboard-buyers-${randomUUID().slice(0, 8)}`;
    const defined = await execute(gateway.url, DefineSegmentDocument, {
      input: {
        key: segmentKey,
        name: 'Dashboard buyers',
        description: 'Bought anything in the last week',
        rule: {
          event: {
            type: 'purchase',
            aggregate: 'COUNT',
            op: 'GREATER_OR_EQUAL',
            value: 1,
            window: { last: 7, unit: 'DAYS' },
          },
        },
      },
    });
    assert.equal(defined.errors, undefined, JSON.stringify(defined.errors));
    const segmentId = defined.data!.defineSegment.id;
    const built = await until(
      async () => (await execute(gateway.url, SegmentStateDocument, { id: segmentId })).data,
      (data) => data?.segment?.status === 'READY',
      WAIT_MS,
    );
    assert.equal(built?.segment?.status, 'READY');
    const [ada, grace, linus] = await Promise.all(
      ['Ada Lovelace', 'Grace Hopper', 'Linus Torvalds'].map((name) => customer(name)),
    );
    customers.push(ada!, grace!, linus!);

    // Before the page opens: Ada's entry is history the page reads, and its cursor the point
    // the page's live feed continues from.
    await purchase(ada!);

    const page = await browser.context.newPage();
    await page.goto(`${gateway.baseUrl}/dashboard`);
    await page.getByLabel('API key').fill(gateway.apiKey);
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.locator('#status[data-state="live"]').waitFor();
    const row = page.locator(`tr[data-segment-key="${segmentKey}"]`);
    await row.getByRole('button', { name: 'Dashboard buyers' }).waitFor();
    await sizeShown(page, segmentKey, '1');
    await entryShown(page, ada!.id);
    assert.ok(!page.url().includes(gateway.apiKey), 'the key stays out of the URL');
    assert.equal(
      await page.evaluate(() => globalThis.sessionStorage.getItem('c360.dashboard.apiKey')),
      gateway.apiKey,
    );
    // Set on this document: a reload would lose it.
    await page.evaluate(() => Object.assign(globalThis, { notReloaded: true }));

    await purchase(grace!);
    await sizeShown(page, segmentKey, '2');
    await entryShown(page, grace!.id);
    await page.locator('#chart-caption', { hasText: '2 now' }).waitFor();

    // The gateway becomes unreachable; Linus enters meanwhile; the page reconnects and its
    // feed resumes after the last change it showed.
    refuseSockets = true;
    sockets.splice(0).forEach((socket) => socket.destroy());
    await page.locator('#status[data-state="reconnecting"]').waitFor();
    await purchase(linus!);
    refuseSockets = false;
    await page.locator('#status[data-state="live"]').waitFor({ timeout: WAIT_MS });
    await entryShown(page, linus!.id);
    await sizeShown(page, segmentKey, '3');

    for (const { id } of [ada!, grace!, linus!]) {
      assert.equal(await page.locator(`#feed li[data-customer-id="${id}"]`).count(), 1, id);
    }
    assert.equal(await page.evaluate(() => 'notReloaded' in globalThis), true);

    // Defined elsewhere while the page is open, with nobody in it (so no change announces it):
    // listed as soon as the page is looked at again, well before the periodic refresh.
    const emptyKey = `dashboard-empty-${randomUUID().slice(0, 8)}`;
    const empty = await execute(gateway.url, DefineSegmentDocument, {
      input: {
        key: emptyKey,
        name: 'Nobody yet',
        rule: { trait: { key: 'plan', op: 'EQUALS', value: emptyKey } },
      },
    });
    assert.equal(empty.errors, undefined, JSON.stringify(empty.errors));
    // As the browser does when the tab comes to the front (the test's tab never left it).
    await page.evaluate("document.dispatchEvent(new Event('visibilitychange'))");
    await page
      .locator(`tr[data-segment-key="${emptyKey}"]`)
      .waitFor({ timeout: LIST_REFRESH_MS / 3 });
    await sizeShown(page, emptyKey, '0');
  });

  /** A named customer with an e-mail identity that events can be attributed to. */
  async function customer(displayName: string): Promise<Customer> {
    const email = `${randomUUID()}@dashboard.example`;
    const result = await execute(gateway.url, UpsertCustomerDocument, {
      input: { displayName, identities: [{ type: 'EMAIL', value: email }] },
    });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return { id: result.data!.upsertCustomer.id, email };
  }

  /** A purchase by `who`, once the relay has applied it (segments evaluated, feed written). */
  async function purchase(who: Customer) {
    const result = await execute(gateway.url, TrackDocument, {
      event: {
        messageId: randomUUID(),
        identity: { type: 'EMAIL', value: who.email },
        type: 'PURCHASE',
        name: 'order',
      },
    });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    await relayed(gateway.backends);
  }
});

async function sizeShown(page: Page, segmentKey: string, size: string) {
  await page
    .locator(`tr[data-segment-key="${segmentKey}"] .size`, { hasText: new RegExp(`^${size}$`) })
    .waitFor({ timeout: WAIT_MS });
}

async function entryShown(page: Page, customerId: string) {
  await page
    .locator(`#feed li.change--entered[data-customer-id="${customerId}"]`)
    .waitFor({ timeout: WAIT_MS });
}
