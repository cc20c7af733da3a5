import type { AnalyticsService } from './analytics.service.js';
import type { AnalyticsStore } from './analytics.store.js';
import type { DiscoveryService } from './discovery.service.js';
import type { ImpressionWriter } from './impression.writer.js';
import type { PopularityRankings } from './popularity.js';
import type { RecommendationCache } from './recommendation.cache.js';
import type { RecommendationService } from './recommendation.service.js';
import type { RecommendationTrainer } from './trainer.js';

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
