/** How `upsertCustomer` treats the traits already stored. */
export const TraitsMode = {
  /** Given keys overwrite stored ones, a null value removes its key, others are kept. */
  MERGE: 'MERGE',
  /** The given traits become the whole set (omitted traits: none). */
  REPLACE: 'REPLACE',
} as const;
export type TraitsMode = (typeof TraitsMode)[keyof typeof TraitsMode];
