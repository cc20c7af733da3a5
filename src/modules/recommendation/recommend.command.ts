import type { Command } from 'commander';

import { GeminiEmbedder } from '../../datasources/gemini-embedder.js';
import { createLogger } from '../../logger.js';
import type { CliContext } from '../module.js';
import { registerEvalCommand } from './evaluation/eval.command.js';
import { openGatewayServing } from './evaluation/gateway-serving.js';
import { MemoryRecommendationCache } from './recommendation.cache.js';
import { ModelStore } from './training/model.store.js';
import { PreferenceFollower } from './preference.follower.js';
import { ServingModels } from './training/serving-models.js';
import { type FitProgress, RecommendationTrainer } from './training/trainer.js';

/** One line per stage and at most one per second within a stage, on stderr. */
function progressLines(): FitProgress {
  let last = { stage: '', at: 0 };
  return (stage, done, total) => {
    const now = Date.now();
    if (stage !== last.stage || now - last.at >= 1_000 || done === total) {
      process.stderr.write(`${stage}: ${done} of ${total}\n`);
      last = { stage, at: now };
    }
  };
}

/**
 * `c360 eval`: the offline harness (evaluation/), with the gateway's own recommender served
 * from a fresh isolated database.
 */
export function registerEvalOfGateway(program: Command, cli: CliContext): void {
  registerEvalCommand(program, () => {
    const config = cli.loadConfig();
    // Progress goes to the terminal; the gateway's own logs would interleave with it.
    return openGatewayServing(
      cli,
      config,
      createLogger(config.log.level === 'info' ? 'warn' : config.log.level),
    );
  });
}

/** `c360 recommend fit`: refit the models in the configured PostgreSQL, with progress. */
export function registerRecommendCommand(program: Command, cli: CliContext): void {
  const recommend = program.command('recommend').description('Recommendation models.');
  recommend
    .command('fit')
    .description(
      'Fit the text and item-item models and every preference vector from PostgreSQL (DATABASE_URL, or the embedded database when no gateway holds it). Running gateways pick the models up within 10 s; the fitRecommendationModels mutation does the same through a running gateway.',
    )
    .action(async () => {
      const config = cli.loadConfig();
      const logger = createLogger(config.log.level);
      const { postgres, close } = await cli.openPostgres(config, logger);
      try {
        const gemini = GeminiEmbedder.fromConfig(config.gemini, logger);
        const models = new ServingModels(new ModelStore(postgres), gemini, logger);
        await models.refresh();
        // Gateways forget their cached answers when they see the new model versions.
        const follower = new PreferenceFollower(postgres, models, new MemoryRecommendationCache());
        const trainer = new RecommendationTrainer({
          db: postgres,
          models,
          remoteEmbedder: gemini,
          follower,
          settings: config.recommendation,
          logger,
        });
        const report = await trainer.fit(progressLines());
        process.stdout.write(`${JSON.stringify(report)}\n`);
      } finally {
        await close();
      }
    });
}
