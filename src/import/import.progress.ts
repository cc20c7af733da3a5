import { createProgressDisplay, type ProgressStream } from '../lib/progress.js';

/** Reports how far an import has read; `stop()` before printing anything else. */
export interface ProgressReporter {
  update(bytes: number, rows: number): void;
  stop(): void;
}

/**
 * A progress bar (bytes read of the file's size, rows per second) when `out` is a terminal;
 * otherwise one plain line every `intervalMs` (see createProgressDisplay).
 */
export function createProgress(
  out: ProgressStream,
  totalBytes: number,
  intervalMs = 5_000,
): ProgressReporter {
  const started = performance.now();
  const rate = (rows: number) =>
    Math.round(rows / Math.max((performance.now() - started) / 1000, 0.001));
  const payload = (bytes: number, rows: number) => ({
    done: megabytes(bytes),
    size: megabytes(totalBytes),
    rows,
    rate: rate(rows),
  });
  const display = createProgressDisplay(out, {
    total: totalBytes,
    payload: payload(0, 0),
    barFormat:
      '{bar} {percentage}% | {done} of {size} | {rows} rows | {rate} rows/s | ETA {eta_formatted}',
    line: (bytes, p) => {
      const percent = totalBytes > 0 ? Math.floor((100 * bytes) / totalBytes) : 100;
      // The rate as of this line, not of the last update: a stalled import shows it slowing.
      return `import: ${percent}% (${p.done} of ${p.size}), ${p.rows} rows, ${rate(p.rows)} rows/s`;
    },
    intervalMs,
  });
  return {
    update: (bytes, rows) => display.update(bytes, payload(bytes, rows)),
    stop: () => display.stop(),
  };
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}
