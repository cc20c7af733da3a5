import type { Config } from './config.js';
import { isLoopback } from './http/landing-page.js';
import { devKeyFile } from './modules/access/dev-key.js';

/** The human-readable lines a person starting c360 needs: where to click, what runs where. */
export function printBanner(
  graphqlUrl: string,
  stores: Record<string, string>,
  config: Config,
  devKey: string | null = null,
): void {
  const base = graphqlUrl.replace(/\/graphql$/, '');
  const lines = [
    '',
    `c360 is ready (${config.env}${config.workers > 1 ? `, ${config.workers} workers` : ''})`,
    config.http.exposeSchema
      ? `  Apollo Sandbox:  open ${graphqlUrl} in a browser`
      : `  GraphQL:         ${graphqlUrl} (introspection and Sandbox off in production)`,
    `  Subscriptions:   ${graphqlUrl.replace(/^http/, 'ws')} (graphql-ws)`,
    `  Dashboard:       ${base}/dashboard/ (segments, live; asks for an API key)`,
    `  Health:          ${base}/healthz   Readiness: ${base}/readyz`,
    ...Object.entries(stores).map(([name, backend]) => `  ${`${name}:`.padEnd(17)}${backend}`),
    ...(devKey === null
      ? []
      : [
          `  Dev API key:     all scopes, kept in ${devKeyFile(config.dataDir)}${!config.http.exposeSchema ? '' : isLoopback(config.http.host) ? ' (preset in Sandbox)' : ' (not preset in Sandbox: HOST is not loopback)'}`,
          `  Authorization: Bearer ${devKey}`,
        ]),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
