import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { Config } from '../../../config.js';
import { migrate } from '../../../datasources/migrate.js';
import type { Postgres } from '../../../datasources/postgres.js';
import type { Logger } from '../../../logger.js';
import { normalizeKeywords, MAX_KEYWORD_LENGTH, MAX_KEYWORDS } from '../../../lib/keywords.js';
import { UpsertProductInput } from '../../catalog/catalog.inputs.js';
import { bulkUpsert, catalogWriters } from '../../catalog/catalog.service.js';
import { TrackEventInput } from '../../event/event.inputs.js';
import { EventType } from '../../event/event.kinds.js';
import { trackEvents } from '../../event/event.service.js';
import { IdentityType } from '../../identity/identity.kinds.js';
import { IdentityVocabulary } from '../../identity/identity.normalize.js';
import { IdentityInput } from '../../identity/identity.type.js';
import type { CliContext } from '../../module.js';
import { SuppressionKeys } from '../../privacy/suppression-keys.js';
import { ModelStore } from '../training/model.store.js';
import { HistoryStore } from '../history.store.js';
import { PopularityRankings } from '../popularity.js';
import { PreferenceFollower } from '../preference.follower.js';
import { MemoryRecommendationCache } from '../recommendation.cache.js';
import { ItemType, RecommendationSurface } from '../recommendation.kinds.js';
import { type RankingTuning, RecommendationService } from '../recommendation.service.js';
import { ServingModels } from '../training/serving-models.js';
import { RecommendationTrainer } from '../training/trainer.js';
import type { Interaction } from '../model/interactions.js';
import type { EvalItem, Progress, ServingRecommender } from './serving.js';

/** The served recommender, which a bench may re-tune between runs over the same data. */
export interface GatewayServing extends ServingRecommender {
  retune(tuning: Partial<RankingTuning>): void;
}

/** Rows per write: BATCH_MAX_SIZE's default, as `c360 import` sends them. */
const BATCH = 1_000;

/**
 * The serving recommender of `c360 eval`: a fresh, isolated PostgreSQL database (a new
 * database on the configured server, dropped afterwards, or an embedded one in a temporary
 * folder), filled through the gateway's own write path (the catalogue writer and trackEvents,
 * with their validation), the models fitted by the gateway's trainer, and each top-k asked of
 * the RecommendationService that serves `Customer.recommendations`.
 *
 * A positive rating is tracked as a purchase, so the "nothing already bought" rule is the
 * protocol's "rank items not in the user's training positives". The run has no knowledge
 * graph (ratings carry no family or campaigns), so the graph source proposes nothing.
 */
export async function openGatewayServing(
  cli: CliContext,
  config: Config,
  logger: Logger,
): Promise<GatewayServing> {
  const store = await isolatedDatabase(cli, config, logger);
  const db = store.postgres;
  await migrate(db, logger);
  const models = new ServingModels(new ModelStore(db), null, logger);
  const follower = new PreferenceFollower(db, models, new MemoryRecommendationCache());
  const customerOf = new Map<string, string>();
  const userOf = new Map<string, string>();
  const itemOf = new Map<string, string>();
  const trainer = new RecommendationTrainer({
    db,
    models,
    remoteEmbedder: null,
    follower,
    settings: config.recommendation,
    logger,
    // The load gives customers and products new ids each run; the dataset's own ids are the
    // same every time, so two runs on the same files fit the same models.
    order: {
      user: (customerId) => userOf.get(customerId) ?? customerId,
      item: (productId) => itemOf.get(productId) ?? productId,
    },
  });
  const popularity = new PopularityRankings(new HistoryStore(db));
  const serviceWith = (tuning: Partial<RankingTuning>) =>
    new RecommendationService({ db, graph: null, models, popularity, logger, tuning });
  let service = serviceWith({});
  return {
    name: 'c360 (served)',
    async load(train, items, progress) {
      await loadItems(db, items, itemOf, progress, logger);
      await loadPositives(db, train, customerOf, progress, logger);
      customerOf.forEach((customerId, userId) => userOf.set(customerId, userId));
      progress.start('fitting models', 1);
      await trainer.fit();
      progress.update(1);
      progress.stop();
    },
    async topK(userId, k) {
      const customerId = customerOf.get(userId);
      if (customerId === undefined) {
        return [];
      }
      const answer = await service.recommend({
        customerId,
        first: k,
        itemType: ItemType.PRODUCT,
        surface: RecommendationSurface.HOMEPAGE,
        productId: null,
        cartProductIds: [],
        sessionId: null,
        at: null,
        relativeId: null,
        exclude: [],
        categories: [],
      });
      return answer.map((r) => itemOf.get(r.itemId) ?? r.itemId);
    },
    retune(tuning) {
      service = serviceWith(tuning);
    },
    close: () => store.close(),
  };
}

async function loadItems(
  db: Postgres,
  items: readonly EvalItem[],
  itemOf: Map<string, string>,
  progress: Progress,
  logger: Logger,
): Promise<void> {
  const deps = { db, relay: { wake: () => undefined } };
  progress.start('items', items.length);
  for (let i = 0; i < items.length; i += BATCH) {
    const step = items.slice(i, i + BATCH);
    const inputs = step.map((item) =>
      Object.assign(new UpsertProductInput(), {
        sku: item.itemId,
        name: item.title.trim() || item.itemId,
        categories: item.categories,
        keywords: fittingKeywords(item.keywords),
      }),
    );
    const { results } = await bulkUpsert(deps, inputs, catalogWriters.product, logger);
    results.forEach((result, j) => {
      if (result.id === null) {
        throw new Error(`item ${step[j]!.itemId} was refused: ${result.error?.message}`);
      }
      itemOf.set(result.id, step[j]!.itemId);
    });
    progress.update(i + step.length);
  }
  progress.stop();
}

async function loadPositives(
  db: Postgres,
  train: readonly Interaction[],
  customerOf: Map<string, string>,
  progress: Progress,
  logger: Logger,
): Promise<void> {
  const deps = {
    db,
    vocabulary: new IdentityVocabulary([]),
    // A fresh database holds no erased identities; the pepper only has to exist.
    suppressionKeys: new SuppressionKeys(randomBytes(32).toString('hex')),
  };
  progress.start('training interactions', train.length);
  for (let i = 0; i < train.length; i += BATCH) {
    const step = train.slice(i, i + BATCH);
    const inputs = step.map((interaction) =>
      Object.assign(new TrackEventInput(), {
        messageId: randomUUID(),
        type: EventType.PURCHASE,
        identity: Object.assign(new IdentityInput(), {
          type: IdentityType.USER_ID,
          value: interaction.userId,
          customType: null,
        }),
        properties: { sku: interaction.itemId },
      }),
    );
    const results = await trackEvents(deps, inputs, logger);
    results.forEach((result, j) => {
      if (result.customerId === null) {
        throw new Error(`interaction ${j + i} was refused: ${result.error?.message}`);
      }
      customerOf.set(step[j]!.userId, result.customerId);
    });
    progress.update(i + step.length);
  }
  progress.stop();
}

/** Keywords as the catalogue accepts them: normalised, at most 50 of at most 64 characters. */
function fittingKeywords(keywords: readonly string[]): string[] {
  return normalizeKeywords(keywords.filter((k) => k.trim().length <= MAX_KEYWORD_LENGTH)).slice(
    0,
    MAX_KEYWORDS,
  );
}

/** A database no one else uses, gone after `close()`. */
async function isolatedDatabase(
  cli: CliContext,
  config: Config,
  logger: Logger,
): Promise<{ postgres: Postgres; close(): Promise<void> }> {
  if (config.postgres.url === null) {
    const dir = await mkdtemp(path.join(tmpdir(), 'c360-eval-'));
    const opened = await cli.openPostgres({ ...config, dataDir: dir }, logger);
    return {
      postgres: opened.postgres,
      close: async () => {
        await opened.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `c360_eval_${randomBytes(6).toString('hex')}`;
  const server = await cli.openPostgres(config, logger);
  await server.postgres.query(`CREATE DATABASE ${name}`);
  const url = new URL(config.postgres.url);
  url.pathname = `/${name}`;
  const opened = await cli.openPostgres(
    { ...config, postgres: { ...config.postgres, url: url.toString() } },
    logger,
  );
  return {
    postgres: opened.postgres,
    close: async () => {
      await opened.close();
      await server.postgres.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await server.close();
    },
  };
}
