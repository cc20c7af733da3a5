/**
 * Runs items in groups, across callers: an item added while no group runs starts one at once
 * (after the current tick, so items added together share it); items added while a group runs
 * wait for it and then go together in the next. Under load many callers share one statement
 * (and, for writes, one WAL flush); at rest nobody waits for a timer. An item never joins a
 * group that started before it was added, so a read sees every write committed before it asked.
 *
 * Each `add` resolves with its own result from the group that held it, and rejects with that
 * group's error otherwise.
 */
export class GroupBatch<T, R> {
  private pending: { item: T; settle: (error: unknown, result?: R) => void }[] = [];
  private running = false;

  constructor(
    /** Runs one group; returns one result per item, in order. */
    private readonly run: (items: readonly T[]) => Promise<readonly R[]>,
    private readonly maxGroup = 500,
  ) {}

  add(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.pending.push({
        item,
        settle: (error, result) =>
          error === undefined ? resolve(result as R) : reject(error as Error),
      });
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const group = this.pending.splice(0, this.maxGroup);
      try {
        const results = await this.run(group.map((entry) => entry.item));
        group.forEach((entry, i) => entry.settle(undefined, results[i]));
      } catch (error) {
        for (const entry of group) {
          entry.settle(error ?? new Error('group failed'));
        }
      }
    }
    this.running = false;
  }
}

/**
 * Writes items in groups (see {@link GroupBatch}). Each `add` resolves when the write holding
 * its item succeeded, so a caller that must not go on unless its item is stored can await it.
 */
export class GroupCommit<T> extends GroupBatch<T, void> {
  constructor(write: (items: readonly T[]) => Promise<void>, maxGroup = 500) {
    super(async (items) => {
      await write(items);
      return [];
    }, maxGroup);
  }
}
