import type { Queryable } from '../../datasources/postgres.js';

/** A customer with new events in a run of events.accepted messages, and their types. */
export interface AcceptedCustomer {
  customerId: string;
  types: string[];
}

/**
 * One read per run: the relay hands every follower of a topic the same array of payloads
 * (outbox.relay.ts `apply`), so followers that only need who had events of which types
 * (segments, the customer feed, predictions, preference vectors) share one statement instead
 * of each reading the events again. Keyed weakly: the entry goes with the run.
 */
const reads = new WeakMap<object, Promise<AcceptedCustomer[]>>();

/**
 * The customers the events named by `batches` belong to now (read from the events table, so
 * a message applied late, after a merge, names the survivor), each with the distinct types
 * of those events.
 */
export function acceptedCustomers(
  db: Queryable,
  batches: readonly { messageIds: readonly string[] }[],
): Promise<AcceptedCustomer[]> {
  let read = reads.get(batches);
  if (read === undefined) {
    read = db
      .query<{ customer_id: string; types: string[] }>(
        /* sql */ `/* event.acceptedCustomers */
        SELECT customer_id::text, array_agg(DISTINCT type) AS types
        FROM events WHERE message_id = ANY($1::text[]) GROUP BY customer_id`,
        [batches.flatMap((b) => b.messageIds)],
      )
      .then(({ rows }) => rows.map((r) => ({ customerId: r.customer_id, types: r.types })));
    // A failed read is not kept: the relay retries the run with new payloads anyway.
    read.catch(() => reads.delete(batches));
    reads.set(batches, read);
  }
  return read;
}
