import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { parse } from 'node-html-parser';

import { type DevKeyGateway, startDevKeyGateway } from '../../support/dev-key-gateway.js';

/** Every URL a stylesheet refers to with url(...), data: URLs left out (they load nothing). */
function cssUrls(css: string): string[] {
  return [...css.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g)]
    .map((match) => match[2]!)
    .filter((url) => !url.startsWith('data:'));
}

/** The URLs a module script resolves against itself (`new URL("...", import.meta.url)`). */
function scriptRelativeUrls(script: string): string[] {
  return [...script.matchAll(/new URL\(\s*["'`]([^"'`]+)["'`]\s*,\s*import\.meta\.url\s*\)/g)].map(
    (match) => match[1]!,
  );
}

interface Loaded {
  url: URL;
  status: number;
  type: string;
  body: string;
  csp: string | null;
}

async function load(url: URL): Promise<Loaded> {
  const response = await fetch(url, { redirect: 'manual' });
  return {
    url,
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body: await response.text(),
    csp: response.headers.get('content-security-policy'),
  };
}

/**
 * Loads the page and, breadth first, everything it can load: scripts, stylesheets, icons, the
 * workers its module script starts, and what the stylesheets refer to.
 */
async function crawl(pageUrl: URL): Promise<{ page: Loaded; assets: Loaded[] }> {
  const page = await load(pageUrl);
  const html = parse(page.body);
  const queue = [
    ...html.querySelectorAll('script[src]').map((el) => el.getAttribute('src')!),
    ...html.querySelectorAll('link[href]').map((el) => el.getAttribute('href')!),
  ].map((ref) => new URL(ref, pageUrl));
  const seen = new Map<string, Loaded>();
  while (queue.length > 0) {
    const url = queue.shift()!;
    if (seen.has(url.href)) {
      continue;
    }
    const asset = await load(url);
    seen.set(url.href, asset);
    const refs = asset.type.startsWith('text/css')
      ? cssUrls(asset.body)
      : asset.type.startsWith('text/javascript') || asset.type.startsWith('application/javascript')
        ? scriptRelativeUrls(asset.body)
        : [];
    queue.push(...refs.map((ref) => new URL(ref, url)));
  }
  return { page, assets: [...seen.values()] };
}

describe('GraphiQL at /graphiql', () => {
  let loopback: DevKeyGateway;
  let exposed: DevKeyGateway;

  before(async () => {
    loopback = await startDevKeyGateway('127.0.0.1');
    // Configured for every interface; the test still listens on loopback only.
    exposed = await startDevKeyGateway('0.0.0.0');
  });

  after(async () => {
    await loopback?.stop();
    await exposed?.stop();
  });

  it('redirects /graphiql to the page at /graphiql/', async () => {
    const response = await load(new URL('/graphiql', loopback.baseUrl));
    assert.equal(response.status, 301);
    const again = await fetch(new URL('/graphiql?x=1', loopback.baseUrl), { redirect: 'manual' });
    assert.equal(again.headers.get('location'), '/graphiql/?x=1');
  });

  it('serves the page and everything it loads from the gateway itself, under its policy', async () => {
    const pageUrl = new URL('/graphiql/', loopback.baseUrl);
    const { page, assets } = await crawl(pageUrl);
    assert.equal(page.status, 200);
    assert.match(page.type, /^text\/html/);

    const files = assets.map((asset) => asset.url.pathname).sort();
    // The page's script and stylesheet, and Monaco's three workers, at least.
    for (const expected of [
      '/graphiql/assets/editor.worker.js',
      '/graphiql/assets/graphiql.css',
      '/graphiql/assets/graphiql.js',
      '/graphiql/assets/graphql.worker.js',
      '/graphiql/assets/json.worker.js',
    ]) {
      assert.ok(files.includes(expected), `${expected} in ${files.join(', ')}`);
    }
    for (const asset of assets) {
      assert.equal(asset.url.origin, pageUrl.origin, `${asset.url.href} is on the gateway`);
      assert.equal(asset.status, 200, asset.url.href);
      assert.ok(asset.body.length > 0, asset.url.href);
      assert.ok(asset.csp, `${asset.url.href} has a Content-Security-Policy`);
    }
    // The policy allows scripts, workers and connections to this origin only.
    const csp = page.csp!;
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /worker-src 'self'(;|$)/);
    assert.match(csp, new RegExp(`connect-src 'self' ws://${new URL(loopback.baseUrl).host} `));
    assert.doesNotMatch(csp, /https?:\/\//);
  });

  it('presets the development key only when the gateway listens on loopback', async () => {
    const onLoopback = await load(new URL('/graphiql/', loopback.baseUrl));
    const settings = JSON.parse(
      parse(onLoopback.body).querySelector('#graphiql-settings')!.textContent,
    ) as { headers: string | null };
    assert.deepEqual(JSON.parse(settings.headers!), {
      Authorization: `Bearer ${loopback.devKey}`,
    });
    assert.equal(
      (await fetch(new URL('/graphiql/', loopback.baseUrl))).headers.get('cache-control'),
      'no-store',
    );

    const onEveryInterface = await load(new URL('/graphiql/', exposed.baseUrl));
    assert.equal(onEveryInterface.status, 200);
    assert.ok(!onEveryInterface.body.includes(exposed.devKey));
    const exposedSettings = JSON.parse(
      parse(onEveryInterface.body).querySelector('#graphiql-settings')!.textContent,
    ) as { headers: string | null };
    assert.equal(exposedSettings.headers, null);
  });

  it('Sandbox follows the same rule and links to GraphiQL', async () => {
    const sandbox = async (gateway: DevKeyGateway) => {
      const response = await fetch(new URL('/graphql', gateway.baseUrl), {
        headers: { accept: 'text/html' },
      });
      assert.equal(response.status, 200);
      return response.text();
    };
    const onLoopback = await sandbox(loopback);
    assert.ok(onLoopback.includes(loopback.devKey));
    assert.match(onLoopback, /<a href="\/graphiql\/">/);
    const onEveryInterface = await sandbox(exposed);
    assert.ok(!onEveryInterface.includes(exposed.devKey));
    assert.match(onEveryInterface, /<a href="\/graphiql\/">/);
  });
});

describe('GraphiQL in production', () => {
  let production: DevKeyGateway;

  before(async () => {
    production = await startDevKeyGateway('127.0.0.1', { NODE_ENV: 'production' });
  });

  after(async () => {
    await production?.stop();
  });

  it('is not served, like Sandbox and introspection', async () => {
    const response = await fetch(new URL('/graphiql/', production.baseUrl));
    assert.equal(response.status, 404);
    assert.ok(!(await response.text()).includes(production.devKey));
  });
});
