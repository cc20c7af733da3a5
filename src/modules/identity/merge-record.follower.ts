import type { Queryable } from '../../datasources/postgres.js';
import { applier, type OutboxApplier } from '../../outbox/outbox.topic.js';
import { CustomerErased } from '../privacy/privacy.topics.js';
import type { MergeRecordGraph } from './merge-record.graph.js';
import { MergeRecordStore } from './merge-record.store.js';
import { CustomerMerged } from './identity.topics.js';

/**
 * Keeps merge records complete and lawful: before any follower moves a merge's edges, the
 * relationships of both customers are copied into the record (relationships live only in the
 * graph, and an unmerge must put them back); an erasure scrubs the snapshots.
 */
export function mergeRecordAppliers(db: Queryable, graph: MergeRecordGraph): OutboxApplier[] {
  const records = new MergeRecordStore(db);
  return [
    applier(
      CustomerMerged,
      async (pairs) => {
        const recorded = pairs.filter((p) => p.mergeId !== undefined);
        const pending = new Set(await records.withoutEdges(recorded.map((p) => p.mergeId!)));
        for (const { mergeId, mergedId, survivorId } of recorded) {
          if (pending.has(mergeId!)) {
            await records.captureEdges(
              mergeId!,
              await graph.edgesOf(mergedId),
              await graph.edgesOf(survivorId),
            );
          }
        }
      },
      { order: -100 },
    ),
    applier(CustomerErased, (rows) => records.scrub(rows.map((row) => row.id))),
  ];
}
