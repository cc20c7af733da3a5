import { GeminiEmbedder } from '../../datasources/gemini-embedder.js';
import { applier } from '../../outbox/outbox.topic.js';
import { ContentUpserted, ProductUpserted } from '../catalog/catalog.topics.js';
import { ConsentPurpose } from '../consent/consent.kinds.js';
import { ConsentChanged } from '../consent/consent.topics.js';
import { customerRefResolver } from '../customer/customer-ref.resolver.js';
import { CustomerUpserted } from '../customer/customer.topics.js';
import { EventsAccepted } from '../event/event.topics.js';
import { CustomerMerged } from '../identity/identity.topics.js';
import { CustomerErased } from '../privacy/privacy.topics.js';
import { RelationshipLinked, RelationshipUnlinked } from '../relationship/relationship.topics.js';
import { defineModule } from '../module.js';
import {
  ProductCountResolver,
  RecommendationAnalyticsResolver,
} from './analytics/analytics.resolver.js';
import { AnalyticsService } from './analytics/analytics.service.js';
import { AnalyticsStore } from './analytics/analytics.store.js';
import {
  CustomerRecommendationsResolver,
  RecommendationEvidenceResolver,
  RecommendationItemResolver,
} from './customer-recommendations.resolver.js';
import { DiscoveryService } from './discovery/discovery.service.js';
import { Experiment } from './analytics/experiments.js';
import { HistoryStore } from './history.store.js';
import { ImpressionStore } from './analytics/impression.store.js';
import { ImpressionWriter } from './analytics/impression.writer.js';
import { ModelStore } from './training/model.store.js';
import { PopularityRankings } from './popularity.js';
import { PreferenceFollower } from './preference.follower.js';
import {
  BoughtTogetherResolver,
  ProductDiscoveryResolver,
  ProductMatchResolver,
  SimilarProductResolver,
  TrendingProductResolver,
} from './discovery/product-discovery.resolver.js';
import { RecommendationAdminResolver } from './recommendation-admin.resolver.js';
import { MemoryRecommendationCache, RedisRecommendationCache } from './recommendation.cache.js';
import type { RecommendationDeps } from './recommendation.deps.js';
import { RecommendationGraph } from './recommendation.graph.js';
import { NearestCustomers } from './nearest-customers.js';
import { VectorStore } from './vector.store.js';
import { createRecommendationLoaders } from './recommendation.loaders.js';
import { RecommendationService } from './recommendation.service.js';
import { SimilarCustomer } from './recommendation.type.js';
import { registerEvalOfGateway, registerRecommendCommand } from './recommend.command.js';
import { refitSchedule } from './training/refit.schedule.js';
import { ServingModels } from './training/serving-models.js';
import { RecommendationTrainer } from './training/trainer.js';

/** Interaction events under which a first fit takes seconds, not minutes. */
const SMALL_DATABASE_EVENTS = 50_000;

const SimilarCustomerResolver = customerRefResolver(
  SimilarCustomer,
  'The similar customer’s profile.',
);

/**
 * Recommendations: `Customer.recommendations` (hybrid, explained, family- and campaign-aware),
 * `Customer.similarCustomers`, `Product.similar` and `frequentlyBoughtTogether`,
 * `searchProducts` and `trendingProducts`. Models are fitted from PostgreSQL (on a schedule on
 * one instance, or on request) and served from memory; customers' preference vectors and
 * cached answers follow the outbox.
 */
export const recommendationModule = defineModule<RecommendationDeps>({
  name: 'recommendation',
  resolvers: [
    CustomerRecommendationsResolver,
    RecommendationItemResolver,
    RecommendationEvidenceResolver,
    SimilarCustomerResolver,
    ProductDiscoveryResolver,
    SimilarProductResolver,
    BoughtTogetherResolver,
    TrendingProductResolver,
    ProductMatchResolver,
    RecommendationAdminResolver,
    RecommendationAnalyticsResolver,
    ProductCountResolver,
  ],
  commands: [registerRecommendCommand, registerEvalOfGateway],
  create: (platform) => {
    const { db, logger } = platform;
    const log = logger.child({ module: 'recommendation' });
    const settings = platform.settings.recommendation;
    const gemini = GeminiEmbedder.fromConfig(platform.settings.gemini, log);
    const models = new ServingModels(new ModelStore(db), gemini, log);
    const cache = platform.redis
      ? new RedisRecommendationCache(platform.redis.commands, log)
      : new MemoryRecommendationCache();
    const popularity = new PopularityRankings(new HistoryStore(db));
    const follower = new PreferenceFollower(db, models, cache);
    // A customer's next answer after a write of their events is computed from them (a purchase
    // is excluded at once); the follower forgets again once their vector follows.
    platform.afterCommit.onEventsStored((customerIds) => cache.forget(customerIds));
    const trainer = new RecommendationTrainer({
      db,
      models,
      remoteEmbedder: gemini,
      follower,
      settings,
      logger: log,
    });
    const schedule = refitSchedule(
      trainer,
      platform.redis?.commands ?? null,
      settings.refitMinutes,
      log,
      platform.settings.deployment,
    );
    const service = new RecommendationService({
      db,
      graph: new RecommendationGraph(platform.graph),
      models,
      popularity,
      experiment: new Experiment(settings.experiment, settings.variants),
      logger: log,
    });
    const impressionStore = new ImpressionStore(db);
    const impressions = new ImpressionWriter(impressionStore, log);
    const analyticsStore = new AnalyticsStore(db);
    const nearest = new NearestCustomers(new VectorStore(db));
    return {
      deps: {
        service,
        discovery: new DiscoveryService({ db, models }),
        popularity,
        cache,
        trainer,
        impressions,
        analytics: { store: analyticsStore, service: new AnalyticsService(analyticsStore) },
      },
      loaders: (tuning) => createRecommendationLoaders(nearest, tuning),
      appliers: [
        applier(EventsAccepted, (batches) => follower.followEvents(batches)),
        applier(CustomerUpserted, (rows) => follower.refreshCustomers(rows.map((row) => row.id))),
        applier(CustomerMerged, async (pairs) => {
          await follower.followMerges(pairs);
          await impressionStore.moveToSurvivors(pairs);
        }),
        applier(CustomerErased, async (rows) => {
          await cache.forget(rows.map((row) => row.id));
          await impressionStore.deleteByCustomerIds(rows.map((row) => row.id));
        }),
        applier(ConsentChanged, (rows) =>
          follower.refreshCustomers(
            rows
              .filter((r) => r.purpose === ConsentPurpose.PERSONALIZATION)
              .map((r) => r.customerId),
          ),
        ),
        // What relatives bought is read from the graph: both ends' answers go once the
        // relationship module (earlier in the same run) has written the edge.
        ...[RelationshipLinked, RelationshipUnlinked].map((topic) =>
          applier(topic, (rows) => cache.forget(rows.flatMap((row) => [row.from, row.to])), {
            order: 10,
          }),
        ),
        applier(ProductUpserted, (rows) =>
          follower.followItems(
            'product',
            rows.map((row) => row.id),
          ),
        ),
        applier(ContentUpserted, (rows) =>
          follower.followItems(
            'content',
            rows.map((row) => row.id),
          ),
        ),
      ],
      start: async () => {
        await models.refresh();
        models.start();
        schedule.start();
        if (settings.refitMinutes > 0 && models.current().itemItem === null) {
          // A first start: a small database (the demo) is fitted before the gateway answers,
          // so its first recommendations are personal; a large one fits in the background,
          // answering with popularity meanwhile, so that start-up is not held for minutes.
          if (await new HistoryStore(db).fewInteractions(SMALL_DATABASE_EVENTS)) {
            await trainer.fit();
          } else {
            trainer
              .fit()
              .catch((error: unknown) =>
                log.error({ err: error }, 'the first recommendation fit failed'),
              );
          }
        }
      },
      stop: async () => {
        models.stop();
        await schedule.stop();
        await impressions.stop();
      },
    };
  },
});
