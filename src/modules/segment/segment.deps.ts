import type { ChangeFeedStore } from '../../changefeed/change-feed.store.js';
import type { SegmentEngine } from './evaluation/segment.engine.js';
import type { SegmentReadStore } from './segment-read.store.js';
import type { SegmentService } from './segment.service.js';
import type { SegmentStore } from './segment.store.js';

/** What the segment module's resolvers are built with. */
export interface SegmentDeps {
  service: SegmentService;
  engine: SegmentEngine;
  segments: SegmentStore;
  reads: SegmentReadStore;
  feedStore: ChangeFeedStore;
}
