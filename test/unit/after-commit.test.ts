import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { createSilentLogger } from '../../src/logger.js';
import { AfterCommit } from '../../src/outbox/after-commit.js';

describe('AfterCommit', () => {
  it('tells every listener the customers once each, and waits for them all', async () => {
    const signals = new AfterCommit(createSilentLogger());
    const heard: string[][] = [];
    let slowDone = false;
    signals.onEventsStored(async (ids) => {
      heard.push([...ids]);
    });
    signals.onEventsStored(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      slowDone = true;
    });
    await signals.eventsStored(['a', 'b', 'a']);
    assert.deepEqual(heard, [['a', 'b']]);
    assert.ok(slowDone, 'resolved only after the slower listener');
  });

  it('says nothing for a write that stored no event', async () => {
    const signals = new AfterCommit(createSilentLogger());
    let calls = 0;
    signals.onEventsStored(async () => {
      calls += 1;
    });
    await signals.eventsStored([]);
    assert.equal(calls, 0);
  });

  it('does not fail the committed write when a listener fails, and still tells the others', async () => {
    const warnings: unknown[] = [];
    const logger = Object.assign(createSilentLogger(), {
      warn: (...args: unknown[]) => void warnings.push(args),
    });
    const signals = new AfterCommit(logger);
    const heard: string[] = [];
    signals.onEventsStored(() => Promise.reject(new Error('Redis is down')));
    signals.onEventsStored(async (ids) => void heard.push(...ids));
    await signals.eventsStored(['a']);
    assert.deepEqual(heard, ['a']);
    assert.equal(warnings.length, 1);
  });
});
