import type { AnalyticsService } from './analytics/analytics.service.js';
import type { AnalyticsStore } from './analytics/analytics.store.js';
import type { DiscoveryService } from './discovery/discovery.service.js';
import type { ImpressionWriter } from './analytics/impression.writer.js';
import type { PopularityRankings } from './popularity.js';
import type { RecommendationCache } from './recommendation.cache.js';
import type { RecommendationService } from './recommendation.service.js';
import type { RecommendationTrainer } from './training/trainer.js';

/** What the recommendation module's resolvers are built with. */
export interface RecommendationDeps {
  service: RecommendationService;
  discovery: DiscoveryService;
  popularity: PopularityRankings;
  cache: RecommendationCache;
  trainer: RecommendationTrainer;
  /** Records each computed answer for attribution, off the response path. */
  impressions: ImpressionWriter;
  analytics: { store: AnalyticsStore; service: AnalyticsService };
}
