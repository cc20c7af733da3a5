import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { GraphQLServerContext } from '@apollo/server';

import { addGraphiqlLink, isLoopback, sandboxLandingPage } from '../../src/http/landing-page.js';

const KEY = 'c360_0123abcd_secret';

/** The HTML the Sandbox plugin serves for this host and development key. */
async function pageFor(host: string, devKey: string | null): Promise<string> {
  const plugin = sandboxLandingPage(host, devKey);
  const listener = await plugin.serverWillStart!({} as GraphQLServerContext);
  const page = await listener!.renderLandingPage!();
  return typeof page.html === 'string' ? page.html : page.html();
}

describe('the Sandbox landing page', () => {
  it('runs with Apollo telemetry off', async () => {
    const html = await pageFor('127.0.0.1', null);

    assert.match(html, /"runTelemetry":false/);
    assert.doesNotMatch(html, /"runTelemetry":true/);
  });

  it('presets the development key when listening on loopback only', async () => {
    for (const host of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.0.0.2']) {
      assert.ok((await pageFor(host, KEY)).includes(KEY), host);
    }
    for (const host of ['0.0.0.0', '::', '192.168.1.20', 'gateway.example.com']) {
      assert.ok(!(await pageFor(host, KEY)).includes(KEY), host);
    }
  });

  it('links the bundled GraphiQL where it says Sandbox could not load', async () => {
    const html = await pageFor('127.0.0.1', null);

    assert.match(html, /might be offline\.<\/p>\s*<p>GraphiQL[^<]*<a href="\/graphiql\/">/);
  });

  it('still links GraphiQL from a page worded otherwise', () => {
    assert.match(
      addGraphiqlLink('<html><body><p>Loading</p></body></html>'),
      /<a href="\/graphiql\/">[^<]*<\/a><\/p>\n<\/body>/,
    );
  });

  it('tells loopback addresses from the others', () => {
    assert.equal(isLoopback('LOCALHOST'), true);
    assert.equal(isLoopback('api.localhost'), true);
    assert.equal(isLoopback('::ffff:127.0.0.1'), true);
    assert.equal(isLoopback('10.0.0.1'), false);
    assert.equal(isLoopback('127.example.com'), false);
  });
});
