import type { Queryable } from '../../datasources/postgres.js';
import { ErrorCode, GatewayError } from '../../errors.js';
import { type OutboxMessage, OutboxStore } from '../../outbox/outbox.store.js';
import { CustomerUpserted } from '../customer/customer.topics.js';
import { EventsAccepted } from '../event/event.topics.js';
import type { WriteDeps } from '../module.js';
import { ErasedCustomerStore } from '../privacy/erased-customer.store.js';
import { RelationshipStore } from '../relationship/relationship.store.js';
import { RelationshipLinked, RelationshipUnlinked } from '../relationship/relationship.topics.js';
import { CustomerUnmerged } from './identity.topics.js';
import { type MergeRecord, MergeRecordStore, type MergeSnapshot } from './merge-record.store.js';
import {
  edgeChanges,
  restoredSurvivorProfile,
  survivorConsentsToRestore,
} from './unmerge.rules.js';
import { UnmergeStore } from './unmerge.store.js';

/** What an unmerge put where: stored with the merge record and returned to the caller. */
export interface UnmergeReport {
  identitiesRestored: number;
  /** Identities the survivor gained after the merge: they stay with it. */
  identitiesKeptBySurvivor: number;
  eventsRestored: number;
  /** Events stored after the merge in one of the restored customer's sessions. */
  laterEventsToRestored: number;
  /** Events stored after the merge that stay with the survivor. */
  laterEventsKeptBySurvivor: number;
  consentsRestored: number;
  survivorConsentsRestored: number;
  relationshipsRestored: number;
  relationshipsRemovedFromSurvivor: number;
  /** Earlier merges into the restored customer that resolve to it again. */
  mergeChainsRestored: number;
}

const notReversible = (reason: string, message: string, extra: Record<string, unknown> = {}) =>
  new GatewayError(ErrorCode.MERGE_NOT_REVERSIBLE, message, {
    extensions: { reason, argument: 'mergeId', ...extra },
  });

/**
 * Undoes one merge in one PostgreSQL transaction: the merged customer comes back with its id,
 * profile, consents, identities and events; what arrived after the merge is assigned by rule
 * (events in its sessions go with it, new identities stay); the survivor loses what the merge
 * brought in, where unchanged since. The outbox makes the other stores follow: the graph node
 * and its relationships, catalog edges, vectors, predictions and segment memberships.
 *
 * @throws GatewayError NOT_FOUND for an unknown merge id; MERGE_NOT_REVERSIBLE (nothing
 * written) when it was undone already, a side was erased, the survivor was merged on since,
 * or the stores have not yet followed the merge.
 */
export async function unmergeCustomers(
  deps: WriteDeps,
  mergeId: string,
  keyId: string | null,
): Promise<{ record: MergeRecord; report: UnmergeReport }> {
  const result = await deps.db.withTransaction(async (tx) => {
    const records = new MergeRecordStore(tx);
    const snapshot = await records.lockSnapshot(mergeId);
    if (snapshot === null) {
      throw new GatewayError(ErrorCode.NOT_FOUND, `no merge with id ${mergeId}`, {
        extensions: { argument: 'mergeId' },
      });
    }
    await assertReversible(tx, snapshot);
    const { report, messages } = await undo(tx, snapshot);
    await new OutboxStore(tx).add(messages);
    return { record: await records.markUndone(mergeId, keyId, report), report };
  });
  deps.relay.wake();
  return result;
}

async function assertReversible(tx: Queryable, snapshot: MergeSnapshot): Promise<void> {
  if (snapshot.undoneAt !== null) {
    throw notReversible('ALREADY_UNDONE', 'this merge was undone already');
  }
  const erased = await new ErasedCustomerStore(tx).findErased([
    snapshot.mergedId,
    snapshot.survivorId,
  ]);
  if (erased.size > 0 || snapshot.scrubbedAt !== null || snapshot.mergedRow === null) {
    throw notReversible('ERASED', 'a customer of this merge was erased since');
  }
  const store = new UnmergeStore(tx);
  if ((await store.lockSurvivor(snapshot.survivorId)) === null) {
    const into = await store.survivorOf(snapshot.survivorId);
    throw notReversible(
      'CHAINED',
      `the survivor was merged into ${into ?? 'another customer'} since; undo that merge first`,
      { mergedInto: into },
    );
  }
  if (snapshot.mergedEdges === null || snapshot.survivorEdges === null) {
    throw notReversible('IN_FLIGHT', 'the stores are still following this merge; retry shortly');
  }
  if (await store.customerExists(snapshot.mergedId)) {
    throw notReversible('ALREADY_UNDONE', 'the merged customer exists again');
  }
}

async function undo(
  tx: Queryable,
  s: MergeSnapshot,
): Promise<{ report: UnmergeReport; messages: OutboxMessage[] }> {
  const store = new UnmergeStore(tx);
  const current = (await store.lockSurvivor(s.survivorId))!;
  const restoredName = await store.recreateCustomer(s.id);
  const mergedConsents = s.mergedConsents ?? [];
  const before = s.survivorBefore!;
  const consentRestores = survivorConsentsToRestore(
    before.consents,
    mergedConsents,
    current.consents,
  );
  for (const { purpose, restore } of consentRestores) {
    await store.restoreConsent(s.survivorId, purpose, restore);
  }
  await store.insertConsents(s.mergedId, mergedConsents);
  const survivorName = await store.updateSurvivorProfile(
    s.survivorId,
    restoredSurvivorProfile(before, s.mergedRow!, current),
  );
  const identitiesRestored = await store.moveIdentitiesBack(
    s.mergedId,
    s.survivorId,
    s.movedIdentities ?? [],
  );
  const movedBack = await store.moveEventsBack(s.mergedId, s.survivorId, s.movedEventIds ?? []);
  const later = await store.assignEventsSince(s.mergedId, s.survivorId, s.mergedAt);
  const mergeChainsRestored = await store.restoreMergeChain(
    s.mergedId,
    s.survivorId,
    s.flattenedIds ?? [],
  );
  const edges = edgeChanges(s.mergedId, s.survivorId, s.mergedEdges!, s.survivorEdges!);
  // PostgreSQL holds relationships (the graph is projected from it): the same changes there.
  const relationships = new RelationshipStore(tx);
  for (const edge of edges.unlink) {
    await relationships.unlink(edge);
  }
  // A relative erased since the merge is gone from PostgreSQL: that edge stays gone.
  const { rows: present } = await tx.query<{ id: string }>(
    `/* unmerge.presentCustomers */ SELECT id FROM customers WHERE id = ANY($1::uuid[])`,
    [edges.link.flatMap((edge) => [edge.from, edge.to])],
  );
  const exists = new Set(present.map((row) => row.id));
  edges.link = edges.link.filter((edge) => exists.has(edge.from) && exists.has(edge.to));
  for (const edge of edges.link) {
    await relationships.link(edge);
  }
  const report: UnmergeReport = {
    identitiesRestored,
    identitiesKeptBySurvivor: await store.identitiesSince(s.survivorId, s.mergedAt),
    eventsRestored: movedBack.length,
    laterEventsToRestored: later.moved.length,
    laterEventsKeptBySurvivor: later.kept,
    consentsRestored: mergedConsents.length,
    survivorConsentsRestored: consentRestores.length,
    relationshipsRestored: edges.link.length,
    relationshipsRemovedFromSurvivor: edges.unlink.length,
    mergeChainsRestored,
  };
  const messageIds = [...movedBack, ...later.moved];
  const messages: OutboxMessage[] = [
    CustomerUpserted.message({ id: s.mergedId, displayName: restoredName }),
    CustomerUpserted.message({ id: s.survivorId, displayName: survivorName }),
    ...edges.unlink.map((edge) => RelationshipUnlinked.message(edge)),
    ...edges.link.map((edge) => RelationshipLinked.message(edge)),
    ...(messageIds.length > 0 ? [EventsAccepted.message({ messageIds })] : []),
    CustomerUnmerged.message({ mergeId: s.id, restoredId: s.mergedId, survivorId: s.survivorId }),
  ];
  return { report, messages };
}
