import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';

import type { GatewayError } from '../../src/errors.js';
import {
  type ChannelListener,
  RedisChannels,
  type SubscriberConnection,
} from '../../src/subscriptions/redis-channels.js';

/** What ioredis rejects with when Redis answers a command with an error. */
class ReplyError extends Error {
  override name = 'ReplyError';
}

/** A subscriber connection whose state and answers the test sets. */
class FakeConnection extends EventEmitter implements SubscriberConnection {
  status = 'ready';
  readonly sent: { command: string; channels: string[]; reply: Promise<unknown> }[] = [];
  answer: () => Promise<unknown> = () => Promise.resolve(1);

  subscribe(...channels: string[]): Promise<unknown> {
    return this.send('subscribe', channels);
  }

  unsubscribe(...channels: string[]): Promise<unknown> {
    return this.send('unsubscribe', channels);
  }

  lost(): void {
    this.status = 'reconnecting';
  }

  ready(): void {
    this.status = 'ready';
    this.emit('ready');
  }

  /** Resolves once the last command's reply has been handled by whoever sent it. */
  async settled(): Promise<void> {
    await this.sent.at(-1)?.reply.catch(() => undefined);
  }

  private send(command: string, channels: string[]): Promise<unknown> {
    const reply = this.answer();
    this.sent.push({ command, channels, reply });
    return reply;
  }
}

function recorder() {
  const messages: string[] = [];
  const failures: GatewayError[] = [];
  const listener: ChannelListener = {
    deliver: (message) => messages.push(message),
    fail: (error) => failures.push(error),
  };
  return { listener, messages, failures };
}

describe('RedisChannels', () => {
  it('subscribes a channel wanted while disconnected once ready, and every wanted channel after each reconnect', () => {
    const connection = new FakeConnection();
    const channels = new RedisChannels(connection);
    channels.listen('a', recorder().listener);
    connection.lost();
    channels.listen('b', recorder().listener);
    assert.deepEqual(
      connection.sent.map((c) => c.channels),
      [['a']],
      'nothing is sent while disconnected',
    );

    connection.ready();
    assert.deepEqual(connection.sent.at(-1)?.channels, ['a', 'b']);
    connection.lost();
    connection.ready();
    assert.deepEqual(connection.sent.at(-1)?.channels, ['a', 'b']);
  });

  it('keeps the listeners when SUBSCRIBE fails with the connection, and subscribes again when ready', async () => {
    const connection = new FakeConnection();
    const channels = new RedisChannels(connection);
    const watcher = recorder();
    connection.answer = () => Promise.reject(new Error('Connection is closed.'));
    channels.listen('a', watcher.listener);
    await connection.settled();
    assert.deepEqual(watcher.failures, []);

    connection.answer = () => Promise.resolve(1);
    connection.ready();
    assert.deepEqual(connection.sent.at(-1)?.channels, ['a']);
    connection.emit('message', 'a', '{"n":1}');
    assert.deepEqual(watcher.messages, ['{"n":1}']);
  });

  it('ends the listeners of a channel Redis refuses with REDIS_UNAVAILABLE and forgets it, so a new one subscribes afresh', async () => {
    const connection = new FakeConnection();
    const channels = new RedisChannels(connection);
    const first = recorder();
    const second = recorder();
    connection.answer = () => Promise.reject(new ReplyError('NOPERM'));
    const stopFirst = channels.listen('a', first.listener);
    channels.listen('a', second.listener);
    await connection.settled();
    assert.deepEqual(
      [...first.failures, ...second.failures].map((e) => e.extensions['code']),
      ['REDIS_UNAVAILABLE', 'REDIS_UNAVAILABLE'],
    );
    assert.equal(channels.size, 0);

    connection.answer = () => Promise.resolve(1);
    const third = recorder();
    channels.listen('a', third.listener);
    stopFirst(); // a failed listener leaving later must not take the new one's channel away
    assert.deepEqual(
      connection.sent.map((c) => c.command),
      ['subscribe', 'subscribe'],
    );
    connection.emit('message', 'a', '1');
    assert.deepEqual(third.messages, ['1']);
    assert.deepEqual(first.messages, []);
  });

  it('ends every listener when the connection ends for good, and refuses new ones until it is ready again', () => {
    const connection = new FakeConnection();
    const channels = new RedisChannels(connection);
    const watcher = recorder();
    channels.listen('a', watcher.listener);
    connection.status = 'end';
    connection.emit('end');
    assert.equal(watcher.failures[0]?.extensions['code'], 'REDIS_UNAVAILABLE');

    const late = recorder();
    channels.listen('b', late.listener);
    assert.equal(late.failures.length, 1);
    assert.equal(channels.size, 0);
  });

  it('delivers a message to every listener of its channel, and unsubscribes when the last one leaves', () => {
    const connection = new FakeConnection();
    const channels = new RedisChannels(connection);
    const one = recorder();
    const two = recorder();
    const stopOne = channels.listen('a', one.listener);
    const stopTwo = channels.listen('a', two.listener);
    connection.emit('message', 'a', 'x');
    connection.emit('message', 'other', 'y');
    assert.deepEqual([one.messages, two.messages], [['x'], ['x']]);

    stopOne();
    assert.equal(connection.sent.at(-1)?.command, 'subscribe');
    stopTwo();
    assert.equal(connection.sent.at(-1)?.command, 'unsubscribe');
    assert.equal(channels.size, 0);
  });
});
