import type { Queryable } from '../../datasources/postgres.js';
import { applier, type OutboxApplier, type OutboxLane } from '../../outbox/outbox.topic.js';
import { CampaignTargeted } from '../catalog/catalog.topics.js';
import { ConsentChanged } from '../consent/consent.topics.js';
import { CustomerUpserted } from '../customer/customer.topics.js';
import { acceptedCustomers } from '../event/accepted-events.js';
import { EventsAccepted } from '../event/event.topics.js';
import { CustomerMerged, CustomerUnmerged } from '../identity/identity.topics.js';
import { CustomerErased } from '../privacy/privacy.topics.js';
import { RelationshipLinked, RelationshipUnlinked } from '../relationship/relationship.topics.js';
import {
  MAIN_SEGMENTS,
  type SegmentEngine,
  type SegmentLane,
  WRITE_SEGMENTS,
} from './evaluation/segment.engine.js';
import { SegmentMembershipsMoved } from './segment.topics.js';

/**
 * The outbox lane of the segments whose rules read only what writes commit themselves.
 * Unordered: an evaluation reads the customers' current state whatever message woke it, and
 * evaluations of one customer never interleave (a per-customer lock), so a small write is
 * evaluated beside a large batch instead of behind it.
 */
export const SEGMENTS_LANE: OutboxLane = {
  name: 'segments',
  ordered: false,
  passes: 2,
  // One pass for large messages, one for small ones (an events.accepted message of up to
  // about 60 events: its ids compress to ~14 bytes each), so single events from a site never
  // wait behind an import's batches.
  expressBytes: 1_024,
};

/**
 * The segment side of the write path: each outbox topic that can change a membership is
 * turned into the customers it touched and what changed about them, and only the segments
 * that read that are evaluated again. Twice, in two outbox lanes:
 * - main: segments reading what other followers write (graph edges, campaign targeting,
 *   preference vectors, predictions), after them (the module list puts segments last);
 * - segments: every other segment, at once, without waiting behind those followers (a
 *   dashboard hears an entry the moment the events are stored, whatever the graph's backlog).
 */
export function segmentAppliers(engine: SegmentEngine, db: Queryable): OutboxApplier[] {
  return [
    ...laneAppliers(engine, db, MAIN_SEGMENTS, {}),
    ...laneAppliers(engine, db, WRITE_SEGMENTS, { lane: SEGMENTS_LANE }),
    // What the segments lane's changes ripple to in segments that read the graph.
    applier(SegmentMembershipsMoved, (rows) => engine.onMoved(rows)),
  ];
}

function laneAppliers(
  engine: SegmentEngine,
  db: Queryable,
  segments: SegmentLane,
  lane: { lane?: OutboxLane },
): OutboxApplier[] {
  const unique = (ids: readonly string[]) => [...new Set(ids)];
  const plans = async () => (await engine.plans()).filter(segments.evaluates);
  // Relationships and campaign targeting are read from the graph: only the main lane's
  // segments read them.
  const projectionsOnly =
    segments === MAIN_SEGMENTS
      ? [
          applier(
            CampaignTargeted,
            (rows) =>
              engine.onChange(
                unique(rows.map((r) => r.customerId)),
                { kind: 'campaign' },
                segments,
              ),
            lane,
          ),
          ...[RelationshipLinked, RelationshipUnlinked].map((topic) =>
            applier(
              topic,
              (rows) =>
                engine.onChange(
                  unique(rows.flatMap((r) => [r.from, r.to])),
                  { kind: 'relationship' },
                  segments,
                ),
              lane,
            ),
          ),
        ]
      : [];
  return [
    applier(
      EventsAccepted,
      async (batches) => {
        // Two reads that do not depend on each other: side by side.
        const [stored, all] = await Promise.all([acceptedCustomers(db, batches), engine.plans()]);
        await engine.onEvents(stored, segments, all);
      },
      lane,
    ),
    applier(
      CustomerUpserted,
      (rows) => engine.onChange(unique(rows.map((r) => r.id)), { kind: 'profile' }, segments),
      lane,
    ),
    applier(
      ConsentChanged,
      (rows) =>
        engine.onChange(unique(rows.map((r) => r.customerId)), { kind: 'consent' }, segments),
      lane,
    ),
    ...projectionsOnly,
    // After the identity follower moved everything: the merged id leaves every segment, the
    // survivor is evaluated against all of them with what it now holds.
    applier(
      CustomerMerged,
      async (pairs) => {
        const selected = await plans();
        for (const { mergedId, survivorId } of pairs) {
          const trigger = { kind: 'merge', mergedInto: survivorId } as const;
          await engine.evaluate(selected, [mergedId], trigger, new Date(), segments);
          await engine.evaluate(selected, [survivorId], trigger, new Date(), segments);
        }
        // Their relatives are now the survivors', and the survivors hold more than before.
        await engine.onRelativesOf(unique(pairs.map((p) => p.survivorId)), segments);
      },
      { order: 200, ...lane },
    ),
    // Both customers hold different things again (events, identities, consents, edges).
    applier(
      CustomerUnmerged,
      async (rows) => {
        const selected = await plans();
        for (const { mergeId, restoredId, survivorId } of rows) {
          const trigger = { kind: 'unmerge', mergeId } as const;
          await engine.evaluate(selected, [restoredId, survivorId], trigger, new Date(), segments);
        }
      },
      { order: 200, ...lane },
    ),
    applier(
      CustomerErased,
      async (rows) => {
        const ids = unique(rows.map((r) => r.id));
        await engine.evaluate(await plans(), ids, { kind: 'erasure' }, new Date(), segments);
        // Related to no one now: their node, and with it their links, are gone.
        await engine.onRelativesOf(
          ids,
          segments,
          rows.flatMap((r) => r.relatives ?? []),
        );
      },
      { order: 200, ...lane },
    ),
  ];
}
