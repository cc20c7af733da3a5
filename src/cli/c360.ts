import 'reflect-metadata';

import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Command } from 'commander';

import { type Config, ConfigError, loadConfig } from '../config.js';
import { openPostgres } from '../backends.js';
import { migrate } from '../datasources/migrate.js';
import {
  ensureLauncherBuilt,
  LauncherError,
  startNeo4jLauncher,
} from '../datasources/neo4j-launcher.js';
import { DataFolderLockedError, lockDataFolder } from '../lib/data-folder-lock.js';
import { loadEnvFile } from '../lib/env-file.js';
import { createLogger, type Logger } from '../logger.js';
import { buildGatewaySchema, printGatewaySchema } from '../schema.js';
import { createGatewayPubSub } from '../subscriptions/pubsub.js';
import { runOnPostgres } from './command-run.js';
import { openGraphStores } from './graph-stores.js';
import { registerImportCommand } from './import.command.js';
import { type CliContext, CommandError } from '../modules/module.js';
import { MODULES } from '../wiring.js';

// As the gateway does: a `.env` in the working directory fills in what the environment leaves unset.
loadEnvFile(process.env);

const SCHEMA_FILE = fileURLToPath(new URL('../../../schema/schema.graphql', import.meta.url));

/** What the lock file says holds the data folder, e.g. `c360 recommend fit`. */
const COMMAND_LINE = ['c360', ...process.argv.slice(2).filter((arg) => !arg.startsWith('-'))]
  .slice(0, 3)
  .join(' ');

/**
 * {@link openPostgres} for commands: the embedded database is opened only under the data-folder
 * lock (released by `close()`), so a command beside a running gateway is refused at once.
 */
async function openPostgresLocked(config: Config, logger: Logger) {
  const lock = config.postgres.url === null ? lockDataFolder(config.dataDir, COMMAND_LINE) : null;
  try {
    const opened = await openPostgres(config, logger);
    return {
      postgres: opened.postgres,
      close: async () => {
        await opened.close();
        lock?.release();
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}

const program = new Command('c360').description('Operate a c360 customer-360 gateway.');

program
  .command('migrate')
  .description('Apply pending PostgreSQL migrations (DATABASE_URL, or the embedded database).')
  .action(async () => {
    const config = loadConfig(process.env);
    const logger = createLogger(config.log.level, 1, config.log.format);
    const { postgres, close } = await openPostgresLocked(config, logger);
    try {
      const report = await migrate(postgres, logger);
      console.log(
        `${postgres.target}: schema version ${report.from} -> ${report.to}, ${report.applied.length} applied`,
      );
    } finally {
      await close();
    }
  });

program
  .command('schema')
  .description('Write schema/schema.graphql from the code, or with --check fail when it is stale.')
  .option('--check', 'compare instead of writing; exit 1 when the committed file differs')
  .action(async (options: { check?: boolean }) => {
    const sdl = printGatewaySchema(await buildGatewaySchema(createGatewayPubSub(null)));
    if (!options.check) {
      await writeFile(SCHEMA_FILE, sdl);
      console.log(`wrote ${SCHEMA_FILE}`);
      return;
    }
    const committed = await readFile(SCHEMA_FILE, 'utf8').catch(() => '');
    if (committed !== sdl) {
      console.error(
        'schema/schema.graphql is stale: run `npm run schema:emit` and commit the result.',
      );
      process.exitCode = 1;
      return;
    }
    console.log('schema/schema.graphql is up to date.');
  });

const neo4j = program.command('neo4j').description('The embedded Neo4j launcher (neo4j/launcher).');

neo4j
  .command('build')
  .description('Build the launcher with Maven unless it is already up to date.')
  .action(async () => {
    const config = loadConfig(process.env);
    await ensureLauncherBuilt(createLogger(config.log.level));
    console.log('neo4j launcher is built.');
  });

neo4j
  .command('start')
  .description('Run the embedded Neo4j on its own (Ctrl-C stops it); point NEO4J_URI at it.')
  .action(async () => {
    const config = loadConfig(process.env);
    const logger = createLogger(config.log.level, 1, config.log.format);
    const lock = lockDataFolder(config.dataDir, COMMAND_LINE);
    await ensureLauncherBuilt(logger);
    const running = await startNeo4jLauncher({
      dataDir: path.join(config.dataDir, 'neo4j'),
      boltPort: config.neo4j.embedded.boltPort,
      heap: config.neo4j.embedded.heap,
      pageCache: config.neo4j.embedded.pageCache,
      logger,
    });
    console.log(`Neo4j is ready: NEO4J_URI=${running.uri}`);
    const stop = () =>
      void running.stop().then(() => {
        lock.release();
        process.exit(0);
      });
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

registerImportCommand(program);
const cliContext: CliContext = {
  loadConfig: () => loadConfig(process.env),
  openPostgres: openPostgresLocked,
  openGraphStores: (config, logger) => openGraphStores(config, logger, COMMAND_LINE),
  runOnPostgres: (work) => runOnPostgres(() => loadConfig(process.env), openPostgresLocked, work),
};
for (const module of MODULES) {
  module.commands?.forEach((register) => register(program, cliContext));
}

program.parseAsync().catch((error: unknown) => {
  console.error(
    error instanceof ConfigError ||
      error instanceof DataFolderLockedError ||
      error instanceof LauncherError ||
      error instanceof CommandError
      ? error.message
      : error,
  );
  process.exitCode = error instanceof CommandError ? error.exitCode : 1;
});
