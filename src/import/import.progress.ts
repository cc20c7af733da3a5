import cliProgress from 'cli-progress';

/** Reports how far an import has read; `stop()` before printing anything else. */
export interface ProgressReporter {
  update(bytes: number, rows: number): void;
  stop(): void;
}

/**
 * A progress bar (bytes read of the file's size, rows per second) when `out` is a terminal;
 * otherwise (CI, a log file) one plain line every `intervalMs`, since redrawing a bar there
 * would fill the log with control characters.
 */
export function createProgress(
  out: NodeJS.WritableStream & { isTTY?: boolean },
  totalBytes: number,
  intervalMs = 5_000,
): ProgressReporter {
  const started = performance.now();
  let state = { bytes: 0, rows: 0 };
  const rate = () => Math.round(state.rows / Math.max((performance.now() - started) / 1000, 0.001));
  const payload = () => ({
    done: megabytes(state.bytes),
    size: megabytes(totalBytes),
    rows: state.rows,
    rate: rate(),
  });

  if (out.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream: out,
        format:
          '{bar} {percentage}% | {done} of {size} | {rows} rows | {rate} rows/s | ETA {eta_formatted}',
        hideCursor: true,
        etaBuffer: 100,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(Math.max(totalBytes, 1), 0, payload());
    return {
      update(bytes, rows) {
        state = { bytes, rows };
        bar.update(Math.min(bytes, totalBytes), payload());
      },
      stop: () => bar.stop(),
    };
  }

  const timer = setInterval(() => {
    const percent = totalBytes > 0 ? Math.floor((100 * state.bytes) / totalBytes) : 100;
    const p = payload();
    out.write(`import: ${percent}% (${p.done} of ${p.size}), ${p.rows} rows, ${p.rate} rows/s\n`);
  }, intervalMs);
  timer.unref();
  return {
    update(bytes, rows) {
      state = { bytes, rows };
    },
    stop: () => clearInterval(timer),
  };
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}
