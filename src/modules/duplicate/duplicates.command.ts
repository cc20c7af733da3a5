import type { Command } from 'commander';

import { createLogger } from '../../logger.js';
import type { CliContext } from '../module.js';
import { MIN_STORED_CONFIDENCE, type ScanProgress, scanDuplicates } from './duplicate.service.js';

/** One line per stage and at most one per second within a stage, on stderr. */
function progressLines(): ScanProgress {
  let last = { stage: '', at: 0 };
  return (stage, done, total) => {
    const now = Date.now();
    if (stage !== last.stage || now - last.at >= 1_000 || done === total) {
      process.stderr.write(`${stage}: ${done} of ${total}\n`);
      last = { stage, at: now };
    }
  };
}

/** `c360 duplicates scan`: refreshes the duplicate suggestions on the configured PostgreSQL. */
export function registerDuplicatesCommand(program: Command, cli: CliContext): void {
  const duplicates = program
    .command('duplicates')
    .description('Suggested duplicate customers (record linkage).');
  duplicates
    .command('scan')
    .description(
      'Block, compare and score every customer pair that shares a key (e-mail local part, phone, name and postcode, device), fit the model by EM, and replace the open suggestions (DATABASE_URL, or the embedded database when no gateway holds it).',
    )
    .action(async () => {
      const config = cli.loadConfig();
      const logger = createLogger(config.log.level === 'info' ? 'warn' : config.log.level, 2);
      const { postgres, close } = await cli.openPostgres(config, logger);
      try {
        const summary = await scanDuplicates(postgres, MIN_STORED_CONFIDENCE, progressLines());
        process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      } finally {
        await close();
      }
    });
}
