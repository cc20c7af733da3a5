import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import type { Page } from 'playwright-core';

import { UpsertCustomerDocument } from '../../__generated__/graphql.js';
import { launchBrowser, type TestBrowser } from '../../support/browser.js';
import { type DevKeyGateway, startDevKeyGateway } from '../../support/dev-key-gateway.js';
import { execute } from '../../support/graphql-client.js';
import { removeFromGraph } from '../../support/seed.js';
import { until } from '../../support/until.js';

/** Long enough for the bundle to load on a busy machine; every wait ends at its condition. */
const WAIT_MS = 60_000;

/**
 * GraphiQL as a person uses it, with the machine offline: every request for anything but the
 * gateway is refused in the browser (and recorded), so a page that reached for a CDN would
 * fail here and name the URL.
 */
describe('GraphiQL in a browser, offline', () => {
  let gateway: DevKeyGateway;
  let browser: TestBrowser;
  let page: Page;
  /** Requests for anything but the gateway: none may be attempted. */
  const outside: string[] = [];
  /** What the page logged as errors (a Content-Security-Policy refusal among them). */
  const consoleErrors: string[] = [];
  const customerId = randomUUID();

  before(async () => {
    gateway = await startDevKeyGateway('127.0.0.1');
    browser = await launchBrowser();
    const origin = new URL(gateway.baseUrl).origin;
    await browser.context.route('**/*', async (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin) {
        await route.continue();
      } else {
        outside.push(url);
        await route.abort('internetdisconnected');
      }
    });
    // Requests the router might not see (workers' own, sockets) are checked here as well.
    browser.context.on('request', (request) => {
      const url = new URL(request.url());
      if (url.origin !== origin && !outside.includes(url.href)) {
        outside.push(url.href);
      }
    });
    page = await browser.context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') {
        consoleErrors.push(message.text());
      }
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    const written = await execute(
      `${gateway.baseUrl}/graphql`,
      UpsertCustomerDocument,
      { input: { id: customerId, displayName: 'Grace Offline' } },
      { apiKey: gateway.devKey },
    );
    assert.equal(written.errors, undefined, JSON.stringify(written.errors));
  });

  after(async () => {
    await browser?.close();
    if (gateway) {
      await removeFromGraph(gateway.backends, [customerId]);
      await gateway.stop();
    }
  });

  const response = () => page.locator('.graphiql-response');

  /** Replaces the query editor's text, as typing it would (Monaco's own input handling). */
  const setQuery = async (text: string) => {
    await page.locator('.graphiql-query-editor .monaco-editor').click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(text);
    // GraphiQL reads the operation (its name, its kind) from the editor after a short pause
    // and then keeps the text in local storage: once it is there, a run sends this text.
    const stored = await until(
      () => page.evaluate(() => globalThis.localStorage.getItem('graphiql:query')),
      (value) => value === text,
      WAIT_MS,
    );
    assert.equal(stored, text);
  };

  const run = () => page.locator('button.graphiql-execute-button').click();

  /** Waits until the result pane shows `text`; fails showing what it shows instead. */
  const showsResult = async (text: string) => {
    const shown = await until(
      // Monaco draws spaces as no-break spaces.
      async () => (await response().innerText()).replace(/\u00a0/g, ' '),
      (content) => content.includes(text),
      WAIT_MS,
    );
    assert.ok(shown.includes(text), `"${text}" in the result pane:\n${shown}`);
  };

  it('loads with the development key preset and answers a query', async () => {
    await page.goto(`${gateway.baseUrl}/graphiql`);
    await page.locator('.graphiql-query-editor .monaco-editor').waitFor({ timeout: WAIT_MS });
    await setQuery(`query Grace { customer(id: "${customerId}") { id displayName } }`);
    await run();
    await showsResult('Grace Offline');
    // Monaco started its workers from the gateway (GraphQL language features, JSON results).
    assert.ok(page.workers().length > 0, 'Monaco runs its workers');
  });

  it('runs a subscription over graphql-ws and shows each change live', async () => {
    await setQuery(
      `subscription FollowGrace { customerUpdated(id: "${customerId}", afterCursor: "0") { customerId customer { displayName } } }`,
    );
    await run();
    // The feed replays the customer's creation first, so the subscription is running now.
    await showsResult(customerId);
    const renamed = await execute(
      `${gateway.baseUrl}/graphql`,
      UpsertCustomerDocument,
      { input: { id: customerId, displayName: 'Grace Live' } },
      { apiKey: gateway.devKey },
    );
    assert.equal(renamed.errors, undefined, JSON.stringify(renamed.errors));
    await showsResult('Grace Live');
  });

  it('reached for nothing outside the gateway and broke no rule of its policy', () => {
    assert.deepEqual(outside, []);
    assert.deepEqual(
      consoleErrors.filter((text) => /Content Security Policy|Refused to/i.test(text)),
      [],
    );
  });
});
