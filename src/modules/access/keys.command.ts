import type { Command } from 'commander';
import { Redis } from 'ioredis';

import type { Config } from '../../config.js';
import { migrate } from '../../datasources/migrate.js';
import { ErrorCode, GatewayError } from '../../errors.js';
import { UUID_PATTERN } from '../../lib/ids.js';
import { createLogger, type Logger } from '../../logger.js';
import { type CliContext, CommandError } from '../module.js';
import type { ApiKey } from './access.type.js';
import { SCOPE_NAMES, scopeName } from './access.kinds.js';
import { createKeyCache } from './api-key.cache.js';
import { ApiKeyService, parseScopes } from './api-key.service.js';
import { devKeyFile } from './dev-key.js';

/** Exit code for a command line that names something that does not exist (a bad scope). */
const USAGE_ERROR = 2;

const CLI_ACTOR = { keyId: null, requestId: null, via: 'cli' } as const;

/**
 * `c360 keys create|list|revoke` against the configured PostgreSQL (DATABASE_URL). stdout
 * carries only the result (the new key, the table), so scripts can capture it; notes go to
 * stderr.
 */
export function registerKeysCommand(program: Command, cli: CliContext): void {
  const keys = program
    .command('keys')
    .description('Manage API keys in the configured PostgreSQL (DATABASE_URL).');

  keys
    .command('create')
    .description('Create a key and print its secret once, alone on stdout.')
    .requiredOption('--name <name>', 'what the key is for')
    .requiredOption('--scopes <scopes>', `comma-separated, any case: ${SCOPE_NAMES.join(',')}`)
    .action(async (options: { name: string; scopes: string }) => {
      const parsed = parseScopes(
        options.scopes
          .split(',')
          .map((scope) => scope.trim())
          .filter((scope) => scope !== ''),
      );
      if (!parsed.ok) {
        throw new CommandError(
          `unknown scope${parsed.unknown.length === 1 ? '' : 's'}: ${parsed.unknown.join(', ') || '(none given)'}; use any of ${SCOPE_NAMES.join(', ')}`,
          USAGE_ERROR,
        );
      }
      await withKeys(cli, async (service) => {
        const { key, apiKey } = await service.create(options.name, parsed.scopes, CLI_ACTOR);
        process.stdout.write(`${key}\n`);
        process.stderr.write(
          `created key ${apiKey.id} (${apiKey.prefix}, ${apiKey.scopes.map(scopeName).join(',')}); the secret above is shown only once\n`,
        );
      });
    });

  keys
    .command('list')
    .description('List every key, revoked ones included.')
    .action(async () => {
      await withKeys(cli, async (service) => {
        process.stdout.write(formatTable(await service.list()));
      });
    });

  keys
    .command('revoke')
    .description('Revoke a key by id; requests with it are refused from now on.')
    .argument('<id>', 'the key id (from `c360 keys list`)')
    .action(async (id: string) => {
      if (!UUID_PATTERN.test(id)) {
        throw new CommandError(`not a key id: ${id}`, USAGE_ERROR);
      }
      await withKeys(cli, async (service, config) => {
        const key = await service.revoke(id.toLowerCase(), CLI_ACTOR).catch((error: unknown) => {
          throw error instanceof GatewayError && error.extensions['code'] === ErrorCode.NOT_FOUND
            ? new CommandError(`no API key with id ${id}`)
            : error;
        });
        process.stdout.write(
          `revoked ${key.id} (${key.prefix}) at ${key.revokedAt?.toISOString()}\n`,
        );
        if (config.redis.url === null) {
          process.stderr.write(
            `REDIS_URL is not set: running gateways without Redis refuse the key within ${config.access.keyCacheTtlMs} ms (API_KEY_CACHE_TTL_MS)\n`,
          );
        }
      });
    });
}

/**
 * Opens the configured database (migrated, as a gateway would) and, when configured, Redis
 * (so a revoke reaches every gateway's key cache at once).
 */
async function withKeys(
  cli: CliContext,
  work: (service: ApiKeyService, config: Config) => Promise<void>,
) {
  const config = cli.loadConfig();
  if (config.postgres.url === null) {
    throw new CommandError(
      [
        'DATABASE_URL is not set, so c360 runs on its embedded database, which only the running gateway may open.',
        `With the embedded defaults, use the development key that \`npm start\` prints (also kept in ${devKeyFile(config.dataDir)})`,
        'and the GraphQL admin operations createApiKey, apiKeys and revokeApiKey in Apollo Sandbox;',
        'or set DATABASE_URL to manage the keys of a configured PostgreSQL from here.',
      ].join('\n'),
    );
  }
  const logger = createLogger(config.log.level === 'info' ? 'warn' : config.log.level, 2);
  const { postgres, close } = await cli.openPostgres(config, logger);
  const redis = config.redis.url === null ? null : connectRedis(config.redis.url, config, logger);
  try {
    await migrate(postgres, logger);
    const cache = createKeyCache(redis, config.access.keyCacheTtlMs, logger);
    await work(new ApiKeyService(postgres, cache, logger), config);
  } finally {
    redis?.disconnect();
    await close();
  }
}

function connectRedis(url: string, config: Config, logger: Logger): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    connectTimeout: config.redis.commandTimeoutMs,
    commandTimeout: config.redis.commandTimeoutMs,
    retryStrategy: () => null,
    connectionName: 'c360-cli',
  });
  redis.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis connection error'));
  return redis;
}

/** A plain aligned table: id, name, prefix, scopes, created, last used, revoked. */
function formatTable(keys: readonly ApiKey[]): string {
  const time = (date: Date | null) => (date ? date.toISOString().replace(/\.\d+Z$/, 'Z') : '-');
  const rows = [
    ['ID', 'NAME', 'PREFIX', 'SCOPES', 'CREATED', 'LAST USED', 'REVOKED'],
    ...keys.map((key) => [
      key.id,
      key.name,
      key.prefix,
      key.scopes.map(scopeName).join(','),
      time(key.createdAt),
      time(key.lastUsedAt),
      time(key.revokedAt),
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
    .concat('\n');
}
