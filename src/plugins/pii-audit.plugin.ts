import type { ApolloServerPlugin } from '@apollo/server';

import type { GraphQLContext } from '../context.js';
import type { Logger } from '../logger.js';
import type { AuditStore } from '../modules/access/audit.store.js';
import { auditPiiReads } from '../modules/access/pii-audit.js';

/**
 * Audits unmasked reads of personal fields once per HTTP operation, after execution (the
 * fields only note which customers they read). When the entry cannot be written the result is
 * replaced by an error, so personal data is never served unaudited.
 */
export function piiAuditPlugin(
  audit: AuditStore,
  logger: Logger,
): ApolloServerPlugin<GraphQLContext> {
  const log = logger.child({ module: 'pii-audit.plugin' });
  return {
    requestDidStart: () =>
      Promise.resolve({
        async willSendResponse({ contextValue, response, operationName }) {
          const withheld = await auditPiiReads(audit, contextValue, operationName ?? null, log);
          if (withheld !== null && response.body.kind === 'single') {
            response.body.singleResult = { errors: [withheld] };
          }
        },
      }),
  };
}
