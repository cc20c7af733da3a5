import type { WebhookDeadLetterRecord } from './webhook.kinds.js';
import type { WebhookDeadLetter } from './webhook.type.js';

/** A dead letter for GraphQL: its stored body text becomes the JSON object it holds. */
export function toDeadLetter(record: WebhookDeadLetterRecord): WebhookDeadLetter {
  return { ...record, body: JSON.parse(record.body) as Record<string, unknown> };
}
