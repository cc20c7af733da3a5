import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { GroupBatch, GroupCommit } from '../../src/lib/group-commit.js';

/** A write whose calls are recorded and which finishes only when the test says so. */
function controlledWrite() {
  const calls: { items: number[]; finish: (error?: Error) => void }[] = [];
  const write = (items: readonly number[]) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ items: [...items], finish: (error) => (error ? reject(error) : resolve()) });
    });
  return { calls, write };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('GroupCommit', () => {
  it('writes items added in the same tick together, at once', async () => {
    const { calls, write } = controlledWrite();
    const group = new GroupCommit(write);
    const added = [group.add(1), group.add(2), group.add(3)];
    await until(() => calls.length === 1);
    assert.deepEqual(calls[0]!.items, [1, 2, 3]);
    calls[0]!.finish();
    await Promise.all(added);
  });

  it('holds items added during a write for the next one, and resolves each with its own', async () => {
    const { calls, write } = controlledWrite();
    const group = new GroupCommit(write);
    let firstDone = false;
    const first = group.add(1).then(() => (firstDone = true));
    await until(() => calls.length === 1);
    const later = [group.add(2), group.add(3)];
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(calls.length, 1, 'no second write while the first runs');
    calls[0]!.finish();
    await first;
    assert.equal(firstDone, true);
    await until(() => calls.length === 2);
    assert.deepEqual(calls[1]!.items, [2, 3]);
    calls[1]!.finish();
    await Promise.all(later);
  });

  it('rejects only the items of a failed write; the next group is written afresh', async () => {
    const { calls, write } = controlledWrite();
    const group = new GroupCommit(write);
    const failed = group.add(1);
    await until(() => calls.length === 1);
    const next = group.add(2);
    calls[0]!.finish(new Error('disk full'));
    await assert.rejects(failed, /disk full/);
    await until(() => calls.length === 2);
    calls[1]!.finish();
    await next;
  });

  it('splits a large backlog into groups of at most the given size', async () => {
    const { calls, write } = controlledWrite();
    const group = new GroupCommit(write, 2);
    const added = [1, 2, 3, 4, 5].map((n) => group.add(n));
    await until(() => calls.length === 1);
    calls[0]!.finish();
    await until(() => calls.length === 2);
    calls[1]!.finish();
    await until(() => calls.length === 3);
    calls[2]!.finish();
    await Promise.all(added);
    assert.deepEqual(
      calls.map((call) => call.items),
      [[1, 2], [3, 4], [5]],
    );
  });
});

describe('GroupBatch', () => {
  it('answers each caller with its own result, callers of one tick with one run', async () => {
    const runs: number[][] = [];
    const group = new GroupBatch(async (items: readonly number[]) => {
      runs.push([...items]);
      return items.map((n) => n * 10);
    });

    assert.deepEqual(await Promise.all([group.add(1), group.add(2), group.add(2)]), [10, 20, 20]);
    assert.deepEqual(await group.add(3), 30);
    assert.deepEqual(runs, [[1, 2, 2], [3]]);
  });

  it('never answers a caller from a run that started before it asked', async () => {
    let finish!: () => void;
    const started: number[][] = [];
    let version = 1;
    const group = new GroupBatch(async (items: readonly number[]) => {
      started.push([...items]);
      const seen = version;
      if (started.length === 1) {
        await new Promise<void>((resolve) => (finish = resolve));
      }
      return items.map(() => seen);
    });
    const early = group.add(1);
    await until(() => started.length === 1);
    version = 2; // a write committed after the first run began, before the next ask
    const late = group.add(1);
    finish();

    assert.equal(await early, 1);
    assert.equal(await late, 2);
  });
});
