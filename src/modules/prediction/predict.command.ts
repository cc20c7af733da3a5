import type { Command } from 'commander';

import type { CliContext } from '../module.js';
import { PredictionService } from './prediction.service.js';

/** `c360 predict fit|evaluate`: the prediction models, on the configured PostgreSQL. */
export function registerPredictCommand(program: Command, cli: CliContext): void {
  const predict = program.command('predict').description('Predictive traits (CLV, churn, RFM).');
  predict
    .command('fit')
    .description(
      'Fit BG/NBD and Gamma-Gamma on every buyer and score them all (DATABASE_URL, or the embedded database when no gateway holds it).',
    )
    .action(() =>
      cli.runOnPostgres(({ postgres, config, logger, progressLines }) =>
        new PredictionService(postgres, config.predictions, logger).fit(progressLines()),
      ),
    );
  predict
    .command('evaluate')
    .description(
      'Holdout check: fit on the first half of the purchase period, predict each buyer’s purchases in the second half, and report the error.',
    )
    .action(() =>
      cli.runOnPostgres(({ postgres, config, logger, progressLines }) =>
        new PredictionService(postgres, config.predictions, logger).evaluate(progressLines()),
      ),
    );
}
