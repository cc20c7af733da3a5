import { applier } from '../../outbox/outbox.topic.js';
import { CustomerUpserted } from '../customer/customer.topics.js';
import { defineModule } from '../module.js';
import { CustomerErased } from '../privacy/privacy.topics.js';
import type { DuplicateDeps } from './duplicate.deps.js';
import { DuplicateResolver } from './duplicate.resolver.js';
import { MIN_STORED_CONFIDENCE, refreshSuggestions } from './duplicate.service.js';
import { DuplicateStore } from './duplicate.store.js';
import { registerDuplicatesCommand } from './duplicates.command.js';

/**
 * Identity intelligence: suggested duplicates found by blocking and scored with a
 * Fellegi–Sunter model (linkage.*.ts, no I/O), accepted (a recorded, reversible merge) or
 * rejected (remembered by pair). Full scans run on demand (mutation or `c360 duplicates
 * scan`) and fit the model; between scans, changed customers are scored as they change.
 */
export const duplicateModule = defineModule<DuplicateDeps>({
  name: 'duplicate',
  resolvers: [DuplicateResolver],
  commands: [registerDuplicatesCommand],
  create: (platform) => ({
    deps: { db: platform.db, relay: platform.relay },
    appliers: [
      // Written for every profile change (upserts, identify, unmerge, a customer an event
      // created): the changed customers are scored against their blocks at once.
      applier(CustomerUpserted, (rows) =>
        refreshSuggestions(
          platform.db,
          [...new Set(rows.map((row) => row.id))],
          MIN_STORED_CONFIDENCE,
        ),
      ),
      // Suggestions name the customer and hold its values as evidence: they go with it.
      applier(CustomerErased, (rows) =>
        new DuplicateStore(platform.db).deleteForCustomers(rows.map((row) => row.id)),
      ),
    ],
  }),
});
