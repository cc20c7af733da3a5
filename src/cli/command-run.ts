import type { Config } from '../config.js';
import { createLogger, type Logger } from '../logger.js';
import type { CliContext, CommandRun } from '../modules/module.js';

/** One line per stage and at most one per second within a stage, on stderr. */
export function progressLines(): (stage: string, done: number, total: number) => void {
  let last = { stage: '', at: 0 };
  return (stage, done, total) => {
    const now = Date.now();
    if (stage !== last.stage || now - last.at >= 1_000 || done === total) {
      process.stderr.write(`${stage}: ${done} of ${total}\n`);
      last = { stage, at: now };
    }
  };
}

/** {@link CliContext.runOnPostgres} on the CLI's configuration and PostgreSQL opener. */
export async function runOnPostgres(
  loadConfig: () => Config,
  openPostgres: CliContext['openPostgres'],
  work: (run: CommandRun) => Promise<unknown>,
): Promise<void> {
  const config = loadConfig();
  // Progress goes to the terminal; the info lines of opening the stores would interleave.
  const logger: Logger = createLogger(config.log.level === 'info' ? 'warn' : config.log.level, 2);
  const { postgres, close } = await openPostgres(config, logger);
  try {
    const result = await work({ config, logger, postgres, progressLines });
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await close();
  }
}
