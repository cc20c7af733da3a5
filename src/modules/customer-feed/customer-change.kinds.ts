/** What changed about a customer, on the change feed's customer stream. */
export enum CustomerChangeKind {
  PROFILE = 'PROFILE',
  EVENTS = 'EVENTS',
  CONSENT = 'CONSENT',
  RELATIONSHIP = 'RELATIONSHIP',
  CAMPAIGN = 'CAMPAIGN',
  /** Another customer was merged into this one. */
  MERGED = 'MERGED',
  /** This customer was merged into another (`intoCustomerId`). */
  MERGED_AWAY = 'MERGED_AWAY',
  ERASED = 'ERASED',
}
