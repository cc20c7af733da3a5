import { ChangeFeedStore } from '../../changefeed/change-feed.store.js';
import { defineModule } from '../module.js';
import { SegmentEngine } from './evaluation/segment.engine.js';
import { timeSchedule } from './evaluation/time.schedule.js';
import type { SegmentDeps } from './segment.deps.js';
import { segmentAppliers } from './segment.follower.js';
import { SegmentGraph } from './segment.graph.js';
import { createSegmentLoaders } from './segment.loaders.js';
import { SegmentReadStore } from './segment-read.store.js';
import { SegmentResolver } from './segment.resolver.js';
import { SegmentService } from './segment.service.js';
import { SegmentStore } from './segment.store.js';
import {
  CustomerSegmentsResolver,
  SegmentChangeFieldsResolver,
  SegmentFieldsResolver,
  SegmentChangeCustomerResolver,
  SegmentMemberCustomerResolver,
  SegmentMembershipFieldsResolver,
  SegmentSizeChangeFieldsResolver,
} from './segment-fields.resolver.js';
import { SegmentSubscriptionResolver } from './segment-subscription.resolver.js';

/**
 * Live segments: rules over traits, events, the graph and vectors, kept current by following
 * the outbox, re-checked as time passes, and every entry and exit written to the change feed
 * (the subscriptions and webhooks read it there).
 */
export const segmentModule = defineModule<SegmentDeps>({
  name: 'segment',
  resolvers: [
    SegmentResolver,
    SegmentFieldsResolver,
    SegmentChangeFieldsResolver,
    SegmentSizeChangeFieldsResolver,
    SegmentChangeCustomerResolver,
    SegmentMemberCustomerResolver,
    SegmentMembershipFieldsResolver,
    CustomerSegmentsResolver,
    SegmentSubscriptionResolver,
  ],
  create(platform) {
    const { db, settings } = platform;
    const log = platform.logger.child({ module: 'segment' });
    const graph = new SegmentGraph(platform.graph);
    const engine = new SegmentEngine(
      db,
      graph,
      platform.feed,
      settings.segments.chunkSize,
      log,
      () => platform.relay.wake(),
    );
    const segments = new SegmentStore(db);
    const reads = new SegmentReadStore(db);
    const feedStore = new ChangeFeedStore(db);
    const schedule = timeSchedule({
      engine,
      feed: feedStore,
      redis: platform.redis?.commands ?? null,
      deployment: settings.deployment,
      tickSeconds: settings.segments.tickSeconds,
      retentionDays: settings.changeFeed.retentionDays,
      logger: log,
    });
    return {
      deps: {
        service: new SegmentService({
          db,
          graph,
          engine,
          customIdentityTypes: settings.customIdentityTypes,
          chunkSize: settings.segments.chunkSize,
          logger: log,
        }),
        engine,
        segments,
        reads,
        feedStore,
      },
      loaders: (tuning) => createSegmentLoaders(segments, reads, tuning),
      appliers: segmentAppliers(engine, db),
      start: async () => {
        schedule.start();
        // Segments left BUILDING (by a stopped instance, or stored by the demo loader) are
        // finished in the background; queries answer meanwhile.
        engine.finishAbandoned(0).catch((error: unknown) => {
          log.error({ err: error }, 'finishing unfinished segments failed; the time tick retries');
        });
      },
      stop: () => schedule.stop(),
    };
  },
});
