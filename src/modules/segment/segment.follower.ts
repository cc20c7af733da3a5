import type { Queryable } from '../../datasources/postgres.js';
import { applier, type OutboxApplier } from '../../outbox/outbox.topic.js';
import { CampaignTargeted } from '../catalog/catalog.topics.js';
import { ConsentChanged } from '../consent/consent.topics.js';
import { CustomerUpserted } from '../customer/customer.topics.js';
import { acceptedCustomers } from '../event/accepted-events.js';
import { EventsAccepted } from '../event/event.topics.js';
import { CustomerMerged, CustomerUnmerged } from '../identity/identity.topics.js';
import { CustomerErased } from '../privacy/privacy.topics.js';
import { RelationshipLinked, RelationshipUnlinked } from '../relationship/relationship.topics.js';
import type { SegmentEngine } from './evaluation/segment.engine.js';

/**
 * The segment side of the write path: each outbox topic that can change a membership is
 * turned into the customers it touched and what changed about them, and only the segments
 * that read that are evaluated again. Runs after every other follower of a topic (the module
 * list puts segments last), so the graph edges and preference vectors it reads are current.
 */
export function segmentAppliers(engine: SegmentEngine, db: Queryable): OutboxApplier[] {
  const unique = (ids: readonly string[]) => [...new Set(ids)];
  return [
    applier(EventsAccepted, async (batches) =>
      engine.onEvents(await acceptedCustomers(db, batches)),
    ),
    applier(CustomerUpserted, (rows) =>
      engine.onChange(unique(rows.map((r) => r.id)), { kind: 'profile' }),
    ),
    applier(ConsentChanged, (rows) =>
      engine.onChange(unique(rows.map((r) => r.customerId)), { kind: 'consent' }),
    ),
    applier(CampaignTargeted, (rows) =>
      engine.onChange(unique(rows.map((r) => r.customerId)), { kind: 'campaign' }),
    ),
    ...[RelationshipLinked, RelationshipUnlinked].map((topic) =>
      applier(topic, (rows) =>
        engine.onChange(unique(rows.flatMap((r) => [r.from, r.to])), { kind: 'relationship' }),
      ),
    ),
    // After the identity follower moved everything: the merged id leaves every segment, the
    // survivor is evaluated against all of them with what it now holds.
    applier(
      CustomerMerged,
      async (pairs) => {
        const plans = await engine.plans();
        for (const { mergedId, survivorId } of pairs) {
          await engine.evaluate(plans, [mergedId], { kind: 'merge', mergedInto: survivorId });
          await engine.evaluate(plans, [survivorId], { kind: 'merge', mergedInto: survivorId });
        }
      },
      { order: 200 },
    ),
    // Both customers hold different things again (events, identities, consents, edges).
    applier(
      CustomerUnmerged,
      async (rows) => {
        const plans = await engine.plans();
        for (const { mergeId, restoredId, survivorId } of rows) {
          await engine.evaluate(plans, [restoredId, survivorId], { kind: 'unmerge', mergeId });
        }
      },
      { order: 200 },
    ),
    applier(
      CustomerErased,
      async (rows) => {
        const plans = await engine.plans();
        await engine.evaluate(plans, unique(rows.map((r) => r.id)), { kind: 'erasure' });
      },
      { order: 200 },
    ),
  ];
}
