import type { Queryable } from '../../datasources/postgres.js';
import { applier, type OutboxApplier } from '../../outbox/outbox.topic.js';
import { EventsAccepted } from '../event/event.topics.js';
import { CustomerMerged, CustomerUnmerged } from '../identity/identity.topics.js';
import type { PredictionService } from './prediction.service.js';

/** Rescores the customers whose purchases changed, before segments read their scores. */
export function predictionAppliers(service: PredictionService, db: Queryable): OutboxApplier[] {
  return [
    applier(EventsAccepted, async (batches) => {
      const { rows } = await db.query<{ customer_id: string }>(
        `/* prediction.buyersOf */ SELECT DISTINCT customer_id::text FROM events
         WHERE message_id = ANY($1::text[]) AND type = 'purchase'`,
        [batches.flatMap((b) => b.messageIds)],
      );
      await service.rescore(rows.map((r) => r.customer_id));
    }),
    // The survivor holds both histories now; the merged row went with its customer.
    applier(CustomerMerged, (pairs) => service.rescore(pairs.map((p) => p.survivorId))),
    applier(CustomerUnmerged, (rows) =>
      service.rescore(rows.flatMap((r) => [r.restoredId, r.survivorId])),
    ),
  ];
}
