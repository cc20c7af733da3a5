import type { Logger } from './logger.js';

export interface ShutdownOptions {
  logger: Logger;
  /** Hard deadline: past it the process exits with code 1 whatever is still running. */
  timeoutMs: number;
  /**
   * Run in order; a failing step is logged and the next one still runs. Read when the signal
   * arrives, so the caller may add steps as it starts things.
   */
  stop: readonly (() => Promise<void>)[];
}

/**
 * Makes SIGTERM and SIGINT run the stop steps in order and exit 0, or exit 1 if they outlast
 * the deadline. A second signal during shutdown is ignored, so an impatient Ctrl-C cannot
 * leave the Neo4j store half-closed.
 */
export function onShutdownSignal(options: ShutdownOptions): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) {
      return;
    }
    stopping = true;
    void runShutdown(options, signal);
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}

async function runShutdown(
  { logger, timeoutMs, stop }: ShutdownOptions,
  signal: NodeJS.Signals,
): Promise<void> {
  logger.info({ signal }, 'shutting down');
  const deadline = setTimeout(() => {
    logger.error({ timeoutMs }, 'shutdown deadline passed, exiting');
    process.exit(1);
  }, timeoutMs);
  deadline.unref();
  for (const step of stop) {
    await step().catch((err: unknown) => logger.error({ err }, 'shutdown step failed'));
  }
  logger.info('stopped');
  process.exit(0);
}
