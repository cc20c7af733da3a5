import { ErrorCode, GatewayError } from '../errors.js';

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Customer ids are UUIDs; anything else is the caller's mistake, said clearly. */
export function assertUuid(value: string, argument: string): string {
  if (!UUID_PATTERN.test(value)) {
    throw new GatewayError(
      ErrorCode.BAD_USER_INPUT,
      `${argument} must be a UUID, got "${value.slice(0, 64)}"`,
      {
        extensions: { argument },
      },
    );
  }
  return value.toLowerCase();
}

/** Page sizes are bounded so no query can ask for an unbounded list. */
export const MAX_PAGE_SIZE = 100;

export function assertPageSize(first: number, argument = 'first'): number {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new GatewayError(
      ErrorCode.BAD_USER_INPUT,
      `${argument} must be between 1 and ${MAX_PAGE_SIZE}`,
      {
        extensions: { argument },
      },
    );
  }
  return first;
}

/** Batches are bounded (BATCH_MAX_SIZE) so one request cannot hold a transaction for long. */
export function assertBatchSize(size: number, max: number, argument: string): void {
  if (size === 0 || size > max) {
    throw new GatewayError(
      ErrorCode.BAD_USER_INPUT,
      `${argument} must hold 1 to ${max} items, got ${size}`,
      { extensions: { argument, max } },
    );
  }
}
