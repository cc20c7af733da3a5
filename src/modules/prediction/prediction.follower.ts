import type { Queryable } from '../../datasources/postgres.js';
import { applier, type OutboxApplier } from '../../outbox/outbox.topic.js';
import { acceptedCustomers } from '../event/accepted-events.js';
import { EventType } from '../event/event.kinds.js';
import { EventsAccepted } from '../event/event.topics.js';
import { CustomerMerged, CustomerUnmerged } from '../identity/identity.topics.js';
import type { PredictionService } from './prediction.service.js';

/** Rescores the customers whose purchases changed, before segments read their scores. */
export function predictionAppliers(service: PredictionService, db: Queryable): OutboxApplier[] {
  return [
    applier(EventsAccepted, async (batches) => {
      const customers = await acceptedCustomers(db, batches);
      await service.rescore(
        customers.filter((c) => c.types.includes(EventType.PURCHASE)).map((c) => c.customerId),
      );
    }),
    // The survivor holds both histories now; the merged row went with its customer.
    applier(CustomerMerged, (pairs) => service.rescore(pairs.map((p) => p.survivorId))),
    applier(CustomerUnmerged, (rows) =>
      service.rescore(rows.flatMap((r) => [r.restoredId, r.survivorId])),
    ),
  ];
}
