import { ChangeFeedStore } from '../../changefeed/change-feed.store.js';
import { defineModule } from '../module.js';
import type { ActivationDeps } from './activation.deps.js';
import { SegmentLookupStore } from './segment-lookup.store.js';
import { WebhookBatchReader } from './webhook.batch.js';
import { WebhookCourier } from './webhook.courier.js';
import { WebhookDispatcher } from './webhook.dispatcher.js';
import { WebhookDestinationResolver } from './webhook-destination.resolver.js';
import { WebhookDestinationStore } from './webhook-destination.store.js';
import { WebhookLogStore } from './webhook-log.store.js';
import { WebhookResolver } from './webhook.resolver.js';
import { WebhookService } from './webhook.service.js';

/**
 * Activation: segment changes delivered to outside systems. Webhook destinations follow the
 * change feed's segment stream, each from its own cursor, and receive signed batches in
 * cursor order, with durable retries and a dead-letter list (docs/activation.md).
 */
export const activationModule = defineModule<ActivationDeps>({
  name: 'activation',
  resolvers: [WebhookResolver, WebhookDestinationResolver],
  create: (platform) => {
    const { db, settings } = platform;
    const log = platform.logger.child({ module: 'activation' });
    const segments = new SegmentLookupStore(db);
    const destinations = new WebhookDestinationStore(db);
    const logs = new WebhookLogStore(db);
    const reader = new WebhookBatchReader(
      new ChangeFeedStore(db),
      segments,
      settings.webhooks.batchSize,
    );
    const courier = new WebhookCourier(db, reader, settings.webhooks, log);
    const dispatcher = new WebhookDispatcher(
      platform.feed,
      destinations,
      courier,
      settings.webhooks.pollMs,
      log,
    );
    return {
      deps: {
        webhooks: new WebhookService({
          db,
          destinations,
          logs,
          segments,
          courier,
          allowPrivateNetworks: settings.webhooks.allowPrivateNetworks,
          wake: () => dispatcher.wake(),
        }),
        logs,
      },
      start: () => {
        dispatcher.start();
        return Promise.resolve();
      },
      stop: () => dispatcher.stop(),
    };
  },
});
