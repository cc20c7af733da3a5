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
