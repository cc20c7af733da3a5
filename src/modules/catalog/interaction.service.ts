import type { Queryable } from '../../datasources/postgres.js';
import { type OutboxMessage, OutboxStore } from '../../outbox/outbox.store.js';
import type { InteractionKind } from './interaction.type.js';
import { type EventTally, InteractionStore } from './interaction.store.js';

/** The event type that feeds each customer–product relationship. */
const KIND_OF_EVENT: Record<string, InteractionKind> = {
  view: 'VIEWED',
  cart_add: 'CARTED',
  purchase: 'PURCHASED',
};

/**
 * Turns events just stored by `track`/`trackBatch` into knowledge-graph edges: resolves the
 * product or campaign each names (unknown ones are ignored: the event stays stored, without an
 * edge), records it on the event row, and queues the customer's absolute count and times for
 * each item touched, so the relay SETs figures instead of adding to them and a redelivered
 * message cannot double a count. Call inside the tracking transaction, with the message ids of
 * the events accepted now (never duplicates).
 */
export async function recordInteractions(
  tx: Queryable,
  acceptedMessageIds: readonly string[],
): Promise<void> {
  if (acceptedMessageIds.length === 0) {
    return;
  }
  const store = new InteractionStore(tx);
  const refs = await store.attachCatalogRefs(acceptedMessageIds);
  if (refs.length === 0) {
    return;
  }
  await store.lockCustomers(refs.map((ref) => ref.customerId));
  const products = await store.tallyProducts(refs);
  const campaigns = await store.tallyCampaigns(refs);
  await new OutboxStore(tx).add(tallyMessages(products, campaigns));
}

/**
 * The absolute interaction figures of one customer, from every event they hold, as outbox
 * messages: after a merge moved the merged customer's events to them. Call inside that
 * transaction.
 */
export async function recountInteractions(
  tx: Queryable,
  customerId: string,
): Promise<OutboxMessage[]> {
  const store = new InteractionStore(tx);
  await store.lockCustomers([customerId]);
  const { products, campaigns } = await store.tallyCustomer(customerId);
  return tallyMessages(products, campaigns);
}

function tallyMessages(
  products: readonly EventTally[],
  campaigns: readonly EventTally[],
): OutboxMessage[] {
  return [
    ...products.map((t): OutboxMessage<'graph.interaction.counted'> => ({
      topic: 'graph.interaction.counted',
      payload: {
        type: KIND_OF_EVENT[t.type]!,
        customerId: t.customerId,
        productId: t.targetId,
        count: t.count,
        firstAt: t.firstAt.toISOString(),
        lastAt: t.lastAt.toISOString(),
      },
    })),
    ...campaigns.map((t): OutboxMessage<'graph.campaign.responded'> => ({
      topic: 'graph.campaign.responded',
      payload: {
        customerId: t.customerId,
        campaignId: t.targetId,
        count: t.count,
        lastAt: t.lastAt.toISOString(),
      },
    })),
  ];
}
