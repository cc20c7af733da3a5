import type { ChangeFeed } from '../../changefeed/change-feed.js';
import { ChangeFeedStore, type NewFeedEntry } from '../../changefeed/change-feed.store.js';
import type { Postgres } from '../../datasources/postgres.js';
import { applier, type OutboxApplier, type OutboxTopic } from '../../outbox/outbox.topic.js';
import { CampaignTargeted } from '../catalog/catalog.topics.js';
import { ConsentChanged } from '../consent/consent.topics.js';
import { CustomerUpserted } from '../customer/customer.topics.js';
import { acceptedCustomers } from '../event/accepted-events.js';
import { EventsAccepted } from '../event/event.topics.js';
import { CustomerMerged } from '../identity/identity.topics.js';
import { CustomerErased } from '../privacy/privacy.topics.js';
import { RelationshipLinked, RelationshipUnlinked } from '../relationship/relationship.topics.js';
import { CustomerChangeKind } from './customer-change.kinds.js';

/**
 * Writes the customer stream of the change feed from the outbox: one entry per customer and
 * kind of change in each run of messages, so `customerUpdated` hears of every write (profile,
 * events, consent, relationships, campaigns, merges, erasures) and can replay what a
 * subscriber missed. A message applied twice writes its entries twice: subscribers get
 * changes at least once, as documented. They run after the other followers of their topic (not
 * `concurrent`): a follower failing (Redis down for the recommendation cache, say) gives the
 * batch back before any entry is written, so a retry does not announce the same change twice.
 */
export function customerFeedAppliers(db: Postgres, feed: ChangeFeed): OutboxApplier[] {
  const write = async (entries: NewFeedEntry[]) => {
    const unique = new Map(entries.map((e) => [`${e.customerId}/${e.change}`, e]));
    if (unique.size === 0) {
      return;
    }
    await db.withTransaction((tx) => new ChangeFeedStore(tx).append([...unique.values()]));
    feed.announce();
  };
  const entry = (
    customerId: string,
    change: CustomerChangeKind,
    reason?: unknown,
  ): NewFeedEntry => ({
    stream: 'customer',
    customerId,
    change,
    ...(reason !== undefined ? { reason } : {}),
  });
  const each = <P>(topic: OutboxTopic<P>, toEntries: (payload: P) => NewFeedEntry[]) =>
    applier(topic, (payloads) => write(payloads.flatMap(toEntries)));
  return [
    each(CustomerUpserted, (p) => [entry(p.id, CustomerChangeKind.PROFILE)]),
    each(ConsentChanged, (p) => [entry(p.customerId, CustomerChangeKind.CONSENT)]),
    each(CampaignTargeted, (p) => [entry(p.customerId, CustomerChangeKind.CAMPAIGN)]),
    each(RelationshipLinked, (p) => [
      entry(p.from, CustomerChangeKind.RELATIONSHIP),
      entry(p.to, CustomerChangeKind.RELATIONSHIP),
    ]),
    each(RelationshipUnlinked, (p) => [
      entry(p.from, CustomerChangeKind.RELATIONSHIP),
      entry(p.to, CustomerChangeKind.RELATIONSHIP),
    ]),
    each(CustomerMerged, (p) => [
      entry(p.mergedId, CustomerChangeKind.MERGED_AWAY, { intoCustomerId: p.survivorId }),
      entry(p.survivorId, CustomerChangeKind.MERGED),
    ]),
    each(CustomerErased, (p) => [entry(p.id, CustomerChangeKind.ERASED)]),
    applier(EventsAccepted, async (batches) => {
      const customers = await acceptedCustomers(db, batches);
      await write(customers.map((c) => entry(c.customerId, CustomerChangeKind.EVENTS)));
    }),
  ];
}
