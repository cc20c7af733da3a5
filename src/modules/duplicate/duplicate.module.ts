import { applier } from '../../outbox/outbox.topic.js';
import { defineModule } from '../module.js';
import { CustomerErased } from '../privacy/privacy.topics.js';
import type { DuplicateDeps } from './duplicate.deps.js';
import { DuplicateResolver } from './duplicate.resolver.js';
import { DuplicateStore } from './duplicate.store.js';
import { registerDuplicatesCommand } from './duplicates.command.js';

/**
 * Identity intelligence: suggested duplicates found by blocking and scored with a
 * Fellegi–Sunter model (linkage.*.ts, no I/O), accepted (a recorded, reversible merge) or
 * rejected (remembered by pair). Scans run on demand (mutation or `c360 duplicates scan`).
 */
export const duplicateModule = defineModule<DuplicateDeps>({
  name: 'duplicate',
  resolvers: [DuplicateResolver],
  commands: [registerDuplicatesCommand],
  create: (platform) => ({
    deps: { db: platform.db, relay: platform.relay },
    appliers: [
      // Suggestions name the customer and hold its values as evidence: they go with it.
      applier(CustomerErased, (rows) =>
        new DuplicateStore(platform.db).deleteForCustomers(rows.map((row) => row.id)),
      ),
    ],
  }),
});
