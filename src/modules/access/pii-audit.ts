import type { GraphQLFormattedError } from 'graphql';

import type { GraphQLContext } from '../../context.js';
import { ErrorCode } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { AuditStore } from './audit.store.js';
import { AuditAction } from './access.kinds.js';

/**
 * Writes one `pii.read` audit entry for everything the operation read unmasked (all customers
 * in one row, one INSERT), or nothing when it read no personal data. Called once per HTTP
 * operation and once per graphql-ws result.
 *
 * @returns null when the result may be sent, or the error to send instead when the entry
 *   could not be stored (unaudited personal data never leaves the gateway).
 */
export async function auditPiiReads(
  audit: AuditStore,
  ctx: GraphQLContext,
  operationName: string | null,
  logger: Logger,
): Promise<GraphQLFormattedError | null> {
  const reads = ctx.access.takePiiReads();
  if (reads === null) {
    return null;
  }
  try {
    await audit.append({
      action: AuditAction.PII_READ,
      keyId: ctx.access.viewer?.keyId ?? null,
      subjectIds: reads.subjectIds,
      requestId: ctx.requestId,
      details: { operationName, fields: reads.fields },
    });
    return null;
  } catch (error) {
    logger.error({ err: error }, 'pii read audit failed; result withheld');
    return PII_WITHHELD;
  }
}

/**
 * What a client gets instead of personal data whose read could not be audited: unaudited
 * personal data never leaves the gateway.
 */
export const PII_WITHHELD: GraphQLFormattedError = {
  message: 'result withheld: the read of personal data could not be written to the audit log',
  extensions: { code: ErrorCode.POSTGRES_UNAVAILABLE },
};
