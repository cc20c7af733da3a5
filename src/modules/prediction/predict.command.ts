import type { Command } from 'commander';

import { createLogger } from '../../logger.js';
import type { CliContext } from '../module.js';
import { type FitProgress, PredictionService } from './prediction.service.js';

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

/** `c360 predict fit|evaluate`: the prediction models, on the configured PostgreSQL. */
export function registerPredictCommand(program: Command, cli: CliContext): void {
  const predict = program.command('predict').description('Predictive traits (CLV, churn, RFM).');
  const run = (work: (service: PredictionService) => Promise<unknown>) => async () => {
    const config = cli.loadConfig();
    const logger = createLogger(config.log.level === 'info' ? 'warn' : config.log.level, 2);
    const { postgres, close } = await cli.openPostgres(config, logger);
    try {
      const service = new PredictionService(postgres, config.predictions, logger);
      process.stdout.write(`${JSON.stringify(await work(service), null, 2)}\n`);
    } finally {
      await close();
    }
  };
  predict
    .command('fit')
    .description(
      'Fit BG/NBD and Gamma-Gamma on every buyer and score them all (DATABASE_URL, or the embedded database when no gateway holds it).',
    )
    .action(run((service) => service.fit(progressLines())));
  predict
    .command('evaluate')
    .description(
      'Holdout check: fit on the first half of the purchase period, predict each buyer’s purchases in the second half, and report the error.',
    )
    .action(run((service) => service.evaluate(progressLines())));
}
