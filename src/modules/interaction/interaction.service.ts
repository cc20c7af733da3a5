import type { Queryable } from '../../datasources/postgres.js';
import type { InteractionGraph, ItemTally, Tally } from './interaction.graph.js';
import { InteractionTarget, isInteractionEventType, KIND_OF_EVENT } from './interaction.kinds.js';
import { type EventTally, InteractionStore } from './interaction.store.js';

/** Events resolved and tallied per statement: bounds the size of one step of a large backlog. */
const EVENTS_PER_STEP = 5_000;

/**
 * Keeps the commerce graph in line with the events table, as a follower of the outbox:
 * `events.accepted` (what was tracked) and `graph.customer.merged` (whose events moved).
 * Figures are always recounted from PostgreSQL and written as absolute values that only grow,
 * so a message applied twice, late, or by two relays at once never doubles or undoes a count.
 */
export class InteractionFollower {
  constructor(
    private readonly db: Queryable,
    private readonly graph: InteractionGraph,
  ) {}

  /**
   * Reads the product, content item or campaign each event names, as the write recorded it
   * (resolving now, and recording, those of items created after their events; unknown ones
   * are left alone: the event stays stored, without an edge), and sets the figures of every
   * (customer, item, kind) touched.
   */
  async followEvents(batches: readonly { messageIds: readonly string[] }[]): Promise<void> {
    const messageIds = batches.flatMap((b) => b.messageIds);
    for (let i = 0; i < messageIds.length; i += EVENTS_PER_STEP) {
      await this.followEventChunk(messageIds.slice(i, i + EVENTS_PER_STEP));
    }
  }

  private async followEventChunk(messageIds: readonly string[]): Promise<void> {
    const store = new InteractionStore(this.db);
    const refs = await store.catalogRefs(messageIds);
    if (refs.length === 0) {
      return;
    }
    const products = await store.tallyProducts(refs);
    const content = await store.tallyContent(refs);
    const campaigns = await store.tallyCampaigns(refs);
    await this.graph.setTallies(
      [
        ...asInteractions(products, InteractionTarget.PRODUCT),
        ...asInteractions(content, InteractionTarget.CONTENT),
      ],
      campaigns.map(asTally),
    );
  }

  /** Moves merged customers' edges to their survivors, then sets the survivors' recounts. */
  async followMerges(pairs: readonly { mergedId: string; survivorId: string }[]): Promise<void> {
    await this.graph.repointCustomers(pairs);
    const store = new InteractionStore(this.db);
    for (const survivorId of new Set(pairs.map((p) => p.survivorId))) {
      const { products, content, campaigns } = await store.tallyCustomer(survivorId);
      await this.graph.setTallies(
        [
          ...asInteractions(products, InteractionTarget.PRODUCT),
          ...asInteractions(content, InteractionTarget.CONTENT),
        ],
        campaigns.map(asTally),
      );
    }
  }
}

function asTally(t: EventTally): Tally {
  return {
    customerId: t.customerId,
    targetId: t.targetId,
    count: t.count,
    firstAt: t.firstAt,
    lastAt: t.lastAt,
  };
}

/** Tallies of interaction event types as edges to items with this label; others are skipped. */
function asInteractions(tallies: readonly EventTally[], target: InteractionTarget): ItemTally[] {
  return tallies.flatMap((t) =>
    isInteractionEventType(t.type) ? [{ ...asTally(t), kind: KIND_OF_EVENT[t.type], target }] : [],
  );
}
