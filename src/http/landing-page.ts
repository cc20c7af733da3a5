import { isIP } from 'node:net';

import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';

import { GRAPHIQL_PATH } from './graphiql.js';

/**
 * Apollo Sandbox, embedded at the GraphQL path outside production:
 * - with Apollo's telemetry off (it is on by default): the page of a customer-data gateway
 *   reports nothing about its use to a third party;
 * - with the development key preset as its Authorization header only when the gateway listens
 *   on loopback: the page needs no key to load, so on any other address anyone who can reach it
 *   would be handed an all-scopes key.
 */
export function sandboxLandingPage(host: string, devKey: string | null): ApolloServerPlugin {
  const presetKey = devKeyToPreset(host, devKey);
  return withGraphiqlLink(
    ApolloServerPluginLandingPageLocalDefault({
      embed: { runTelemetry: false },
      includeCookies: false,
      ...(presetKey !== null ? { headers: { Authorization: `Bearer ${presetKey}` } } : {}),
    }),
  );
}

/**
 * The development key a page that needs no key to load (Sandbox, GraphiQL) may carry: the key
 * when the gateway listens on loopback, where only this machine reaches the page; else null.
 */
export function devKeyToPreset(host: string, devKey: string | null): string | null {
  return devKey !== null && isLoopback(host) ? devKey : null;
}

/** Where Apollo's page says Sandbox could not load (from its CDN). */
const OFFLINE_NOTICE = /(might be offline\.<\/p>)/;

const GRAPHIQL_LINK = `<p>GraphiQL, served by this gateway with nothing from a CDN, works offline and behind strict proxies: <a href="${GRAPHIQL_PATH}/">${GRAPHIQL_PATH}/</a></p>`;

/**
 * Apollo's landing page, with a link to the bundled GraphiQL where the page admits that Sandbox
 * could not be loaded (or, should a later Apollo word it otherwise, at the end of the body):
 * the one place a viewer without Apollo's CDN looks.
 */
function withGraphiqlLink(plugin: ApolloServerPlugin): ApolloServerPlugin {
  return {
    ...plugin,
    async serverWillStart(service) {
      const listener = await plugin.serverWillStart?.(service);
      const render = listener?.renderLandingPage;
      if (!listener || !render) {
        return listener;
      }
      return {
        ...listener,
        async renderLandingPage() {
          const page = await render.call(listener);
          const html = typeof page.html === 'string' ? page.html : await page.html();
          return { html: addGraphiqlLink(html) };
        },
      };
    },
  };
}

export function addGraphiqlLink(html: string): string {
  return OFFLINE_NOTICE.test(html)
    ? html.replace(OFFLINE_NOTICE, `$1\n  ${GRAPHIQL_LINK}`)
    : html.replace('</body>', `${GRAPHIQL_LINK}\n</body>`);
}

/** Whether a listening address is reachable from this machine only. */
export function isLoopback(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (name === 'localhost' || name.endsWith('.localhost')) {
    return true;
  }
  if (isIP(name) === 4) {
    return name.startsWith('127.');
  }
  return name === '::1' || name === '::ffff:127.0.0.1';
}
