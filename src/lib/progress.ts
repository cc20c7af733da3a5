import cliProgress from 'cli-progress';

/** Where a progress report is written: a terminal gets a bar, anything else plain lines. */
export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean };

export interface ProgressDisplay<Payload extends object> {
  update(value: number, payload: Payload): void;
  stop(): void;
}

/**
 * A progress bar of `value` of `total` when `out` is a terminal (cli-progress `barFormat`, whose
 * `{name}` tokens come from the payload); otherwise (CI, a log file) `line(value, payload)`
 * every `intervalMs`, since redrawing a bar there would fill the log with control characters.
 */
export function createProgressDisplay<Payload extends object>(
  out: ProgressStream,
  options: {
    total: number;
    payload: Payload;
    barFormat: string;
    line: (value: number, payload: Payload) => string;
    intervalMs?: number;
  },
): ProgressDisplay<Payload> {
  const { total, barFormat, line, intervalMs = 5_000 } = options;
  if (out.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream: out, format: barFormat, hideCursor: true, etaBuffer: 100 },
      cliProgress.Presets.shades_classic,
    );
    bar.start(Math.max(total, 1), 0, options.payload);
    return {
      update: (value, payload) => bar.update(Math.min(value, total), payload),
      stop: () => bar.stop(),
    };
  }

  let state = { value: 0, payload: options.payload };
  const timer = setInterval(() => out.write(`${line(state.value, state.payload)}\n`), intervalMs);
  timer.unref();
  return {
    update(value, payload) {
      state = { value, payload };
    },
    stop: () => clearInterval(timer),
  };
}
