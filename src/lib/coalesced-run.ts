/**
 * Runs `work` one at a time: a request while it runs is remembered (however many arrive) and
 * runs once more right after, so nothing asked for during a run is missed and runs never
 * overlap. A failure goes to `onError`; the next request runs afresh.
 */
export class CoalescedRun {
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly work: () => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  request(): void {
    if (this.running !== null) {
      this.again = true;
      return;
    }
    this.running = this.work()
      .catch(this.onError)
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.request();
        }
      });
  }

  /** Resolves once the run in progress (if any) has ended. */
  async settled(): Promise<void> {
    await this.running;
  }
}
