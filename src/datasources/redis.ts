import { EventEmitter } from 'node:events';

import { type Command, Redis, type RedisOptions } from 'ioredis';

import { storeSpan } from '../lib/traced.js';
import type { Logger } from '../logger.js';

/**
 * The Redis connections c360 holds: one for commands and, because a subscribed connection can
 * issue no other command, one each for publishing and subscribing (the subscription fan-out).
 */
export interface RedisConnections {
  commands: Redis;
  publisher: Redis;
  subscriber: Redis;
  target: string;
  /**
   * Listeners receive a `command` event for every command any of the three clients sent, when
   * its reply (or failure) came: the metrics' view of Redis.
   */
  events: EventEmitter<{ command: [ExecutedCommand] }>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** One command that got its reply (`ok`) or failed (refused, timed out, an error reply). */
export interface ExecutedCommand {
  /** The command in lower case (`get`, `evalsha`...); never its arguments. */
  name: string;
  role: 'commands' | 'publisher' | 'subscriber';
  durationMs: number;
  ok: boolean;
}

export interface RedisConnectOptions {
  url: string;
  commandTimeoutMs: number;
  logger: Logger;
}

/**
 * Connects all three clients and resolves once each is ready.
 *
 * Commands fail fast when Redis is down (offline queue off, one retry, a command deadline)
 * instead of ioredis' default of queueing for about ten seconds; the clients keep reconnecting
 * in the background, so the gateway recovers by itself when Redis returns.
 *
 * @throws when Redis cannot be reached at start.
 */
export async function connectRedis(options: RedisConnectOptions): Promise<RedisConnections> {
  const log = options.logger.child({ module: 'redis' });
  const common: RedisOptions = {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: options.commandTimeoutMs,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  };
  const events = new EventEmitter<{ command: [ExecutedCommand] }>();
  const make = (role: ExecutedCommand['role'], extra: RedisOptions = {}) => {
    const client = new Redis(options.url, { ...common, ...extra, connectionName: `c360-${role}` });
    client.on('error', (err: Error) =>
      log.warn({ role, err: err.message }, 'redis connection error'),
    );
    observeCommands(client, role, events);
    return client;
  };
  const commands = make('commands', { commandTimeout: options.commandTimeoutMs });
  const publisher = make('publisher', { commandTimeout: options.commandTimeoutMs });
  // The subscriber's channels are owned by the PubSub (src/subscriptions/redis-channels.ts),
  // which SUBSCRIBEs every wanted channel each time it is ready. ioredis' own replay would only
  // cover SUBSCRIBEs that had succeeded, and its offline queue would give up on the others.
  const subscriber = make('subscriber', { autoResubscribe: false });
  const clients = [commands, publisher, subscriber];
  try {
    await Promise.all(clients.map((client) => client.connect()));
  } catch (error) {
    clients.forEach((client) => client.disconnect());
    throw error;
  }
  const parsed = new URL(options.url);
  return {
    commands,
    publisher,
    subscriber,
    target: `${parsed.protocol}//${parsed.hostname}:${parsed.port || '6379'}`,
    events,
    async ping() {
      await commands.ping();
    },
    async close() {
      await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())));
    },
  };
}

/**
 * Times every command `client` sends, through the one method all of them pass (the same place
 * OpenTelemetry's ioredis instrumentation patches). Per client, so gateways sharing a process
 * (tests) never count each other's commands; costs nothing while nobody listens.
 */
function observeCommands(
  client: Redis,
  role: ExecutedCommand['role'],
  events: EventEmitter<{ command: [ExecutedCommand] }>,
): void {
  const send = client.sendCommand.bind(client);
  // ioredis may pass one command through here again (resent after a reconnect): count it once.
  const seen = new WeakSet<Command>();
  client.sendCommand = (command: Command, stream?: Parameters<Redis['sendCommand']>[1]) => {
    if (seen.has(command)) {
      return send(command, stream);
    }
    seen.add(command);
    // A span per command (a no-op without tracing), named by the command, never its arguments.
    const span = storeSpan(`redis ${command.name}`, {
      'db.system.name': 'redis',
      'db.operation.name': command.name,
      'c360.redis.role': role,
    });
    command.promise.then(
      () => span.end(),
      (error: unknown) => span.end(error),
    );
    if (events.listenerCount('command') > 0) {
      const started = performance.now();
      const settle = (ok: boolean) =>
        events.emit('command', {
          name: command.name,
          role,
          durationMs: performance.now() - started,
          ok,
        });
      command.promise.then(
        () => settle(true),
        () => settle(false),
      );
    }
    return send(command, stream);
  };
}
