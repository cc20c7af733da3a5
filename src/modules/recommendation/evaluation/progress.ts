import {
  createProgressDisplay,
  type ProgressDisplay,
  type ProgressStream,
} from '../../../lib/progress.js';
import { type Progress } from './serving.js';

/**
 * The evaluation's Progress on `out` (stderr, so stdout keeps only the table): a bar per phase
 * on a terminal, a line every `intervalMs` elsewhere, as `c360 import` reports.
 */
export function createEvalProgress(out: ProgressStream, intervalMs = 5_000): Progress {
  let display: ProgressDisplay<{ phase: string }> | null = null;
  let started = 0;
  let total = 0;
  let current = '';
  return {
    start(phase, steps) {
      display?.stop();
      current = phase;
      started = performance.now();
      total = steps;
      display = createProgressDisplay(out, {
        total: steps,
        payload: { phase },
        barFormat: '{phase} {bar} {value}/{total} | ETA {eta_formatted}',
        line: (done, { phase: name }) =>
          `eval: ${name} ${done}/${total} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
        intervalMs,
      });
      display.update(0, { phase });
    },
    update(done) {
      display?.update(done, { phase: current });
    },
    stop() {
      display?.stop();
      display = null;
    },
  };
}
