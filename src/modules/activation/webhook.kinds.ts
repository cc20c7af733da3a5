/** Which segment changes a destination receives; stored (and sent) as these same words. */
export const WebhookChange = {
  ENTERED: 'ENTERED',
  EXITED: 'EXITED',
} as const;
export type WebhookChange = (typeof WebhookChange)[keyof typeof WebhookChange];

export const ALL_WEBHOOK_CHANGES: readonly WebhookChange[] = Object.values(WebhookChange);

/** How one delivery attempt ended; stored as the lower-case value. */
export const DeliveryOutcome = {
  DELIVERED: 'delivered',
  FAILED: 'failed',
  DEAD_LETTERED: 'dead_lettered',
} as const;
export type DeliveryOutcome = (typeof DeliveryOutcome)[keyof typeof DeliveryOutcome];

/** A destination as the service and the dispatcher see it (the secret is not part of it). */
export interface WebhookDestinationRecord {
  id: string;
  name: string;
  url: string;
  /** `null`: every segment. */
  segmentIds: string[] | null;
  changes: WebhookChange[];
  /** The last change_feed cursor delivered or dead-lettered (a decimal string). */
  cursor: string;
  active: boolean;
  /** Failed attempts of the batch now pending. */
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** One logged attempt. */
export interface WebhookDeliveryRecord {
  id: string;
  destinationId: string;
  deliveryId: string;
  firstCursor: string;
  lastCursor: string;
  changeCount: number;
  attempt: number;
  outcome: DeliveryOutcome;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
  at: Date;
}

/** A batch given up on. */
export interface WebhookDeadLetterRecord {
  id: string;
  destinationId: string;
  deliveryId: string;
  firstCursor: string;
  lastCursor: string;
  changeCount: number;
  /** The request body exactly as first offered. */
  body: string;
  lastError: string | null;
  attempts: number;
  createdAt: Date;
  redeliveredAt: Date | null;
}
