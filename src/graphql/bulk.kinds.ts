import { ErrorCode, GatewayError } from '../errors.js';

/**
 * How one item of any bulk write fared; every bulk mutation answers with these four, and
 * `c360 import` counts them.
 */
export const ItemStatus = {
  /** A new record was stored (for links and targeting: the fact was recorded). */
  CREATED: 'CREATED',
  /** An existing record was changed. */
  UPDATED: 'UPDATED',
  /** Nothing needed writing: an event whose message id was stored before. */
  UNCHANGED: 'UNCHANGED',
  /** Nothing was written for this item; its `error` says why. */
  REJECTED: 'REJECTED',
} as const;
export type ItemStatus = (typeof ItemStatus)[keyof typeof ItemStatus];

/** How many items ended in each status. */
export function countStatuses(
  results: readonly { status: ItemStatus }[],
): Record<Lowercase<ItemStatus>, number> {
  const count = (status: ItemStatus) => results.filter((r) => r.status === status).length;
  return {
    created: count(ItemStatus.CREATED),
    updated: count(ItemStatus.UPDATED),
    unchanged: count(ItemStatus.UNCHANGED),
    rejected: count(ItemStatus.REJECTED),
  };
}

/** An item's error as bulk results carry it. */
export interface ItemFailure {
  code: ErrorCode;
  message: string;
}

/**
 * What to report for an item whose write threw: a public error (bad input, a suppressed
 * identity, a store refusing a value) as it is; anything unexpected is logged and reported
 * as an internal error without its details.
 */
export function itemFailure(
  error: unknown,
  what: string,
  log: { error(details: object, message: string): void },
  index: number,
): ItemFailure {
  if (error instanceof GatewayError) {
    const code = error.extensions['code'];
    if (typeof code === 'string' && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
      return { code: code as ErrorCode, message: error.message };
    }
  }
  log.error({ err: error, index }, `${what} not stored`);
  return { code: ErrorCode.INTERNAL_SERVER_ERROR, message: `the ${what} could not be stored` };
}
