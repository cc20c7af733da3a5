import { isIP } from 'node:net';

import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';

/**
 * Apollo Sandbox, embedded at the GraphQL path outside production:
 * - with Apollo's telemetry off (it is on by default): the page of a customer-data gateway
 *   reports nothing about its use to a third party;
 * - with the development key preset as its Authorization header only when the gateway listens
 *   on loopback: the page needs no key to load, so on any other address anyone who can reach it
 *   would be handed an all-scopes key.
 */
export function sandboxLandingPage(host: string, devKey: string | null) {
  const presetKey = devKey !== null && isLoopback(host);
  return ApolloServerPluginLandingPageLocalDefault({
    embed: { runTelemetry: false },
    includeCookies: false,
    ...(presetKey ? { headers: { Authorization: `Bearer ${devKey}` } } : {}),
  });
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
