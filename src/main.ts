import 'reflect-metadata';

import cluster from 'node:cluster';

import { createApp } from './app.js';
import { BackendUnavailableError, lockEmbeddedStores, startBackends } from './backends.js';
import { ConfigError, loadConfig } from './config.js';
import { LauncherError } from './datasources/neo4j-launcher.js';
import { DataFolderLockedError } from './lib/data-folder-lock.js';
import { loadEnvFile } from './lib/env-file.js';
import { loadDemoDataIfEmpty } from './demo/load-demo-data.js';
import { createLogger } from './logger.js';
import { printBanner } from './banner.js';
import { startTracing } from './observability/tracing.js';
import { onShutdownSignal } from './shutdown.js';
import { runPrimary, workerNumber } from './workers.js';

/** Process entry: configuration, stores, gateway, and a graceful stop on SIGTERM or SIGINT. */
async function main(): Promise<void> {
  // A `.env` in the working directory fills in what the environment leaves unset.
  loadEnvFile(process.env);
  const config = loadConfig(process.env);
  if (config.workers > 1 && cluster.isPrimary) {
    const logger = createLogger(config.log.level, 1, config.log.format);
    process.exitCode = await runPrimary(config.workers, logger);
    return;
  }
  // Before any store opens: a second gateway on the same folder stops here, naming the first.
  const lock = lockEmbeddedStores(config, 'a gateway');
  const worker = workerNumber();
  const root = createLogger(config.log.level, 1, config.log.format);
  const logger = worker === null ? root : root.child({ worker });
  // Steps are added as things start, so a signal at any moment stops exactly what runs.
  const stopSteps: (() => Promise<void>)[] = [];
  onShutdownSignal({ logger, timeoutMs: config.http.shutdownTimeoutMs + 4_000, stop: stopSteps });
  // Before any store is reached, so their first calls are traced too; flushed last on stop.
  const tracing = startTracing(config);
  const backends = await startBackends(config, logger);
  stopSteps.push(async () => {
    await backends.stop();
    lock?.release();
  });
  if (tracing) {
    stopSteps.push(() => tracing.shutdown());
  }
  const demoLoaded = config.demoData ? await loadDemoDataIfEmpty(backends, logger) : 0;
  // Only the embedded database gets a development key: a configured one is managed with the CLI.
  const withDevKey = config.postgres.url === null;
  const app = await createApp({ config, logger, backends, withDevKey, worker });
  stopSteps.unshift(() => app.stop());
  if (demoLoaded > 0) {
    // The demo went into PostgreSQL; let the relay build its graph before the first query.
    const pending = await app.catchUp(120_000);
    if (pending > 0) {
      logger.warn(
        { pending },
        'the demo graph is still being built; family fields fill in shortly',
      );
    }
  }
  const url = await app.listen();
  // With several workers the first one speaks for all of them.
  if ((worker ?? 1) === 1) {
    printBanner(url, backends.describe(), config, app.devKey);
  }
}

main().catch((error: unknown) => {
  // Known start-up failures are explained in one message; anything else keeps its stack.
  const known =
    error instanceof ConfigError ||
    error instanceof DataFolderLockedError ||
    error instanceof LauncherError ||
    error instanceof BackendUnavailableError;
  process.stderr.write(
    `c360 could not start: ${known ? error.message : ((error as Error)?.stack ?? String(error))}\n`,
  );
  process.exit(1);
});
