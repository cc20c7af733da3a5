import { defineModule } from '../module.js';
import { Customer360Store } from './customer-360.store.js';
import { DocumentPool, DocumentReads, projectLoaders } from './projected-loaders.js';
import { Projector } from './projector.js';
import type { ReadModelDeps } from './read-model.deps.js';
import { ReadModelResolver } from './read-model.resolver.js';

/**
 * The customer 360 read model: one document per customer read, holding what the held fields'
 * loaders returned, kept fresh by the projector and served in front of those loaders. A
 * document is served only while no write has touched what it holds (see README.md).
 */
export const readModelModule = defineModule<ReadModelDeps>({
  name: 'read-model',
  resolvers: [ReadModelResolver],
  create: (platform) => {
    const { enabled, pollMs, cacheMb, similarMaxAgeMs } = platform.settings.readModel;
    const store = new Customer360Store(platform.db);
    const reads = new DocumentReads(store, cacheMb * 1024 * 1024);
    // Off, the projector only clears marks nobody will read: no hurry.
    const projector = new Projector({
      store,
      logger: platform.logger,
      enabled,
      pollMs: enabled ? pollMs : Math.max(pollMs, 1_000),
      agedAfterMs: similarMaxAgeMs,
    });
    const requests = {
      missed: (ids: string[]) => projector.want(ids),
      aged: (ids: string[]) => projector.age(ids),
    };
    // A mark waits until the outbox holds nothing older (the graph has its write): look again
    // as soon as the outbox moves instead of at the next poll.
    platform.relay.onAdvance(() => projector.wake());
    return {
      deps: { store, enabled },
      ...(enabled && {
        projectLoaders: (loaders) =>
          projectLoaders(loaders, new DocumentPool(reads, requests), similarMaxAgeMs),
      }),
      bindGateway: (gateway) => projector.bind(gateway),
      gauges: {
        help: {
          c360_read_model_documents: 'Customer 360 documents stored',
          c360_read_model_dirty_documents:
            'Documents a write has touched since they were built (reads of them go live)',
          c360_read_model_lag_seconds:
            'Age of the oldest write not yet in its document (0 when every document is fresh)',
          c360_read_model_cache_documents: 'Documents this instance keeps decoded between reads',
          c360_read_model_cache_bytes:
            'Stored bytes of the documents kept decoded (limited by READ_MODEL_CACHE_MB)',
        },
        read: async () => {
          const lag = await store.lag();
          const cached = reads.cached();
          return {
            c360_read_model_cache_documents: cached.documents,
            c360_read_model_cache_bytes: cached.bytes,
            c360_read_model_documents: lag.documents,
            c360_read_model_dirty_documents: lag.dirtyCustomers,
            c360_read_model_lag_seconds: lag.oldestDirtyAgeMs / 1000,
          };
        },
      },
      start: async () => projector.start(),
      stop: () => projector.stop(),
    };
  },
});
