import { GeminiEmbedder } from '../../datasources/gemini-embedder.js';
import { GeminiTextModel } from '../../datasources/gemini-text-model.js';
import { applier } from '../../outbox/outbox.topic.js';
import { PiiMasking } from '../access/pii.masking.js';
import { ConsentPurpose } from '../consent/consent.kinds.js';
import { ConsentChanged } from '../consent/consent.topics.js';
import { CustomerMerged } from '../identity/identity.topics.js';
import { defineModule } from '../module.js';
import { CustomerErased } from '../privacy/privacy.topics.js';
import { DiscoveryService } from '../recommendation/discovery/discovery.service.js';
import { ModelStore } from '../recommendation/training/model.store.js';
import { ServingModels } from '../recommendation/training/serving-models.js';
import { SegmentEngine } from '../segment/evaluation/segment.engine.js';
import { SegmentGraph } from '../segment/segment.graph.js';
import { SegmentService } from '../segment/segment.service.js';
import type { AssistantDeps } from './assistant.deps.js';
import { AssistantResolver, CustomerSummaryResolver } from './assistant.resolver.js';
import { AssistantService } from './assistant.service.js';
import { MemorySummaryCache, RedisSummaryCache } from './summary.cache.js';

/**
 * Generative AI over customer data (docs/ai.md): `Customer.summary`, `ask`, `askProducts` and
 * `askSegment`, written by Gemini with GEMINI_API_KEY and by templates without it. Summaries
 * are cached by data version and forgotten when their customer is erased, merged away or
 * withdraws AI consent.
 */
export const assistantModule = defineModule<AssistantDeps>({
  name: 'assistant',
  resolvers: [CustomerSummaryResolver, AssistantResolver],
  create: (platform) => {
    const { db, settings } = platform;
    const log = platform.logger.child({ module: 'assistant' });
    const ttl = settings.assistant.summaryTtlSeconds;
    const cache = platform.redis
      ? new RedisSummaryCache(platform.redis.commands, ttl, log)
      : new MemorySummaryCache(ttl);
    // The catalogue search of searchProducts, over the same fitted text model: this module
    // keeps its own view of it, since modules share stores, not each other's instances.
    const models = new ServingModels(
      new ModelStore(db),
      GeminiEmbedder.fromConfig(settings.gemini, log),
      log,
    );
    const segmentGraph = new SegmentGraph(platform.graph);
    const segments = new SegmentService({
      db,
      graph: segmentGraph,
      engine: new SegmentEngine(db, segmentGraph, platform.feed, settings.segments.chunkSize, log),
      customIdentityTypes: settings.customIdentityTypes,
      chunkSize: settings.segments.chunkSize,
      logger: log,
    });
    const service = new AssistantService({
      model: GeminiTextModel.fromConfig(settings.gemini, log),
      cache,
      masking: new PiiMasking(settings.nonPersonalKeys),
      discovery: new DiscoveryService({ db, models }),
      segments,
      maxQuestionLength: settings.assistant.maxQuestionLength,
      maxGenerationsPerOperation: settings.assistant.maxGenerationsPerOperation,
      logger: log,
    });
    return {
      deps: { service },
      appliers: [
        applier(CustomerErased, (rows) => cache.forget(rows.map((row) => row.id))),
        // The merged-away id answers no more; its summary would only linger.
        applier(CustomerMerged, (pairs) => cache.forget(pairs.map((pair) => pair.mergedId))),
        // Withdrawn AI consent: what a model wrote about them is not kept either.
        applier(ConsentChanged, (rows) =>
          cache.forget(
            rows
              .filter((r) => r.purpose === ConsentPurpose.AI && !r.granted)
              .map((r) => r.customerId),
          ),
        ),
      ],
      start: async () => {
        await models.refresh();
        models.start();
      },
      stop: () => {
        models.stop();
        return Promise.resolve();
      },
    };
  },
});
