import type { Loaders } from '../../context.js';
import type { CustomerRecord } from './customer-facts.js';

/** How much of the timeline and of the catalogue history a summary looks at. */
export const RECORD_LIMITS = { events: 20, interactions: 10 } as const;

/**
 * One customer's 360 data through the operation's loaders (the same batched reads as the
 * `Customer` fields), or `null` when there is no such customer. A store that fails fails the
 * read: a summary written from part of the data would be cached as if it were all of it.
 */
export async function loadCustomerRecord(
  loaders: Loaders,
  customerId: string,
): Promise<CustomerRecord | null> {
  const customer = await loaders.customerById.load(customerId);
  if (customer === null) {
    return null;
  }
  const [identities, consents, events, relatives, memberships, prediction, interactions] =
    await Promise.all([
      loaders.identitiesByCustomerId.load(customerId),
      loaders.consentsByCustomerId.load(customerId),
      loaders.eventPageByCustomerId.load({
        customerId,
        first: RECORD_LIMITS.events,
        after: null,
        types: null,
        from: null,
        to: null,
      }),
      loaders.relativesByCustomerId.load(customerId),
      loaders.segmentMembershipsByCustomerId.load(customerId),
      loaders.predictionsByCustomerId.load(customerId),
      loaders.interactionsByCustomerId.load({ customerId, first: RECORD_LIMITS.interactions }),
    ]);
  const [segments, items] = await Promise.all([
    Promise.all(memberships.map((m) => loaders.segmentById.load(m.segmentId))),
    Promise.all(
      interactions.map((i) =>
        i.productId !== null
          ? loaders.productById.load(i.productId).then((p) => p?.name ?? null)
          : loaders.contentById.load(i.contentId!).then((c) => c?.title ?? null),
      ),
    ),
  ]);
  return {
    id: customer.id,
    displayName: customer.displayName,
    email: customer.email,
    traits: customer.traits,
    interestKeywords: customer.interestKeywords,
    identities: identities.map((i) => ({ type: i.type, value: i.value })),
    consents: consents.map((c) => ({ purpose: c.purpose, granted: c.granted })),
    events: events.map((e) => ({
      id: e.id,
      type: e.type,
      name: e.name,
      properties: e.properties,
      occurredAt: e.occurredAt,
    })),
    relatives: relatives.map((r) => ({ relativeId: r.relativeId, relation: r.relation })),
    segments: memberships.flatMap((m, i) => {
      const segment = segments[i];
      return segment ? [{ segmentId: m.segmentId, name: segment.name, since: m.since }] : [];
    }),
    prediction: prediction && {
      churnRisk: prediction.churnRisk,
      pAlive: prediction.pAlive,
      clv: prediction.clv,
      rfmSegment: prediction.rfmSegment,
      computedAt: prediction.computedAt,
    },
    interactions: interactions.map((i, k) => ({
      kind: i.kind,
      itemId: (i.productId ?? i.contentId)!,
      itemKind: i.productId !== null ? ('product' as const) : ('content' as const),
      itemName: items[k] ?? null,
      count: i.count,
      lastAt: i.lastAt,
    })),
  };
}
