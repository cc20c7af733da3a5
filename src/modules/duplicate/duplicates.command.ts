import type { Command } from 'commander';

import type { CliContext } from '../module.js';
import { MIN_STORED_CONFIDENCE, scanDuplicates } from './duplicate.service.js';

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
    .action(() =>
      cli.runOnPostgres(({ postgres, progressLines }) =>
        scanDuplicates(postgres, MIN_STORED_CONFIDENCE, progressLines()),
      ),
    );
}
