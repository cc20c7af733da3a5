import type { FeedEntry } from '../../changefeed/change-feed.store.js';
import type { ChangeReason } from './evaluation/reasons.js';
import type { SegmentRow } from './segment.store.js';
import {
  MembershipChange,
  type Segment,
  type SegmentChange,
  type SegmentSizeChange,
  SegmentStatus,
} from './segment.type.js';

export function toSegment(row: SegmentRow): Segment {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    description: row.description,
    rule: row.rule,
    version: row.version,
    status: row.status === 'ready' ? SegmentStatus.READY : SegmentStatus.BUILDING,
    size: row.size,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** A segment-stream feed entry as the GraphQL type (the customer id rides along for masking). */
export function toSegmentChange(entry: FeedEntry): SegmentChange {
  const reason = (entry.reason ?? {}) as Partial<ChangeReason>;
  const customerId = entry.customerId;
  return {
    cursor: entry.cursor,
    segmentId: entry.segmentId!,
    customerId,
    change: entry.change === 'ENTERED' ? MembershipChange.ENTERED : MembershipChange.EXITED,
    at: entry.at,
    sizeAfter: entry.sizeAfter ?? 0,
    reason: {
      customerId,
      summary: reason.summary ?? entry.change.toLowerCase(),
      trigger: reason.trigger ?? 'unknown',
      ruleVersion: reason.ruleVersion ?? 0,
      conditions: (reason.conditions ?? []).map((c) => ({ ...c, customerId })),
    },
  };
}

export function toSizeChange(entry: FeedEntry): SegmentSizeChange {
  return {
    segmentId: entry.segmentId!,
    size: entry.sizeAfter ?? 0,
    at: entry.at,
    cursor: entry.cursor,
  };
}
