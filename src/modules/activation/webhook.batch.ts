import { randomUUID } from 'node:crypto';

import {
  type ChangeFeedStore,
  compareCursors,
  type FeedEntry,
} from '../../changefeed/change-feed.store.js';
import type { ClaimedDestination } from './webhook-destination.store.js';
import type { SegmentLookupStore } from './segment-lookup.store.js';

/** One change as a receiver gets it. */
export interface WebhookChangePayload {
  cursor: string;
  /** `key` and `name` are null when the segment has since been deleted. */
  segment: { id: string; key: string | null; name: string | null };
  customerId: string;
  change: string;
  at: string;
  reason: unknown;
}

/** The request body. */
export interface WebhookPayload {
  deliveryId: string;
  destination: { id: string; name: string };
  changes: WebhookChangePayload[];
}

/** A batch ready to send: its body and the cursors it spans. */
export interface WebhookBatch {
  deliveryId: string;
  firstCursor: string;
  lastCursor: string;
  /** Where the destination's cursor moves once the batch is done (past skipped entries too). */
  through: string;
  changeCount: number;
  body: string;
}

/**
 * What comes next for a destination: nothing; entries it does not want, to step over; or a
 * batch to send.
 */
export type NextStep =
  { kind: 'idle' } | { kind: 'skip'; through: string } | { kind: 'send'; batch: WebhookBatch };

/** Reads a destination's next batch from the change feed, in cursor order. */
export class WebhookBatchReader {
  constructor(
    private readonly feed: ChangeFeedStore,
    private readonly segments: SegmentLookupStore,
    private readonly batchSize: number,
  ) {}

  /** The cursor retention has pruned through (a destination behind it has lost changes). */
  prunedThrough(): Promise<string> {
    return this.feed.prunedThrough();
  }

  /**
   * A pending batch (fixed before an earlier attempt) is read again exactly: the entries after
   * the cursor through its `through`, under its delivery id. Otherwise the next entries are
   * read; `through` then also covers entries of other segments up to the segment stream's head
   * seen before reading, so a destination whose segments are quiet does not re-read them
   * forever.
   */
  async next(destination: ClaimedDestination): Promise<NextStep> {
    const filter = { stream: 'segment' as const, segmentIds: destination.segmentIds };
    const pending = destination.pending;
    // Read the head first: every entry of the stream up to it is committed (each stream is
    // appended in order).
    const head = pending ? null : await this.feed.head(filter.stream);
    const page = await this.feed.readAfter(destination.cursor, filter, this.batchSize);
    let through: string;
    let entries: FeedEntry[];
    if (pending) {
      through = pending.through;
      entries = page.filter((entry) => compareCursors(entry.cursor, through) <= 0);
    } else {
      const last = page.at(-1)?.cursor ?? destination.cursor;
      through = page.length === this.batchSize ? last : maxCursor(last, head!);
      entries = page;
    }
    if (compareCursors(through, destination.cursor) <= 0) {
      return { kind: 'idle' };
    }
    const wanted = entries.filter((entry) =>
      (destination.changes as readonly string[]).includes(entry.change),
    );
    if (wanted.length === 0) {
      return { kind: 'skip', through };
    }
    const deliveryId = pending?.deliveryId ?? randomUUID();
    const batch = await this.toBatch(destination, deliveryId, wanted, through);
    return { kind: 'send', batch };
  }

  private async toBatch(
    destination: ClaimedDestination,
    deliveryId: string,
    entries: readonly FeedEntry[],
    through: string,
  ): Promise<WebhookBatch> {
    const segmentIds = [...new Set(entries.map((entry) => entry.segmentId!))];
    const labels = await this.segments.labelsByIds(segmentIds);
    const payload: WebhookPayload = {
      deliveryId,
      destination: { id: destination.id, name: destination.name },
      changes: entries.map((entry) => {
        const label = labels.get(entry.segmentId!);
        return {
          cursor: entry.cursor,
          segment: { id: entry.segmentId!, key: label?.key ?? null, name: label?.name ?? null },
          customerId: entry.customerId,
          change: entry.change,
          at: entry.at.toISOString(),
          reason: entry.reason,
        };
      }),
    };
    return {
      deliveryId,
      firstCursor: entries[0]!.cursor,
      lastCursor: entries.at(-1)!.cursor,
      through,
      changeCount: entries.length,
      body: JSON.stringify(payload),
    };
  }
}

function maxCursor(a: string, b: string): string {
  return compareCursors(a, b) >= 0 ? a : b;
}
