/**
 * Runs a background pass again and again on a timer, one at a time: the relay and the read
 * model's projector. `pass` returns how long to wait before the next one; a wake during a
 * pass runs the next one right after it (the pass in progress may have looked before the
 * change that woke it), and a wake while idle runs one at once.
 */
export class PassLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private wokenDuringPass = false;

  constructor(private readonly pass: () => Promise<number>) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  wake(): void {
    if (this.stopped) {
      return;
    }
    if (this.running === undefined) {
      this.schedule(0);
    } else {
      this.wokenDuringPass = true;
    }
  }

  /** True while a pass runs. */
  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Stops the timer and waits for the pass in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.run().finally(() => {
        this.running = undefined;
      });
    }, delayMs);
  }

  private async run(): Promise<void> {
    this.wokenDuringPass = false;
    const delayMs = await this.pass();
    if (!this.stopped) {
      this.schedule(this.wokenDuringPass ? 0 : delayMs);
    }
  }
}
