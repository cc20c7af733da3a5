/**
 * Writes items in groups: an item added while no write runs starts one at once (after the
 * current tick, so items added together share it); items added while a write runs wait for it
 * and then go together in the next. Under load many callers share one statement and one WAL
 * flush; at rest nobody waits for a timer.
 *
 * Each `add` resolves when the write holding its item succeeded and rejects with that write's
 * error otherwise, so a caller that must not go on unless its item is stored can await it.
 */
export class GroupCommit<T> {
  private pending: { item: T; settle: (error?: unknown) => void }[] = [];
  private writing = false;

  constructor(
    private readonly write: (items: readonly T[]) => Promise<void>,
    private readonly maxGroup = 500,
  ) {}

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({
        item,
        settle: (error) => (error === undefined ? resolve() : reject(error as Error)),
      });
      if (!this.writing) {
        this.writing = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const group = this.pending.splice(0, this.maxGroup);
      try {
        await this.write(group.map((entry) => entry.item));
        for (const entry of group) {
          entry.settle();
        }
      } catch (error) {
        for (const entry of group) {
          entry.settle(error ?? new Error('group write failed'));
        }
      }
    }
    this.writing = false;
  }
}
