import cluster, { type Worker } from 'node:cluster';

import type { Logger } from './logger.js';

/**
 * The primary process of a gateway with several workers (WORKERS > 1) on one machine. Each
 * worker is a whole gateway (HTTP, graphql-ws, outbox relay, change-feed reader) sharing the
 * port through Node's cluster module; they coordinate through the stores exactly as separate
 * machines do (relays claim outbox rows with SKIP LOCKED, one-instance schedules take Redis
 * locks), so nothing here knows about requests.
 *
 * The first worker starts alone, because it migrates PostgreSQL and applies the graph schema;
 * the others follow once it listens. A worker that dies after it listened is replaced; one
 * that dies before is a start-up failure, and the primary stops the rest and exits 1 rather
 * than loop. SIGTERM or SIGINT stops every worker gracefully; the primary exits once they have.
 *
 * @returns the exit code for the primary.
 */
export function runPrimary(workers: number, logger: Logger): Promise<number> {
  const log = logger.child({ module: 'workers' });
  const alive = new Set<Worker>();
  const listened = new WeakSet<Worker>();
  let stopping = false;
  let failed = false;
  return new Promise((resolve) => {
    const start = () => {
      const worker = cluster.fork();
      alive.add(worker);
      worker.once('listening', () => {
        listened.add(worker);
        if (!stopping && alive.size < workers) {
          start();
        }
      });
      worker.once('exit', (code, signal) => {
        alive.delete(worker);
        const context = { pid: worker.process.pid, code, signal };
        if (!stopping && listened.has(worker)) {
          log.error(context, 'a worker died; starting another');
          start();
          return;
        }
        if (!stopping) {
          log.error(context, 'a worker failed to start; stopping');
          failed = true;
          stopAll();
        }
        if (alive.size === 0) {
          resolve(failed ? 1 : 0);
        }
      });
    };
    const stopAll = () => {
      stopping = true;
      for (const worker of alive) {
        worker.process.kill('SIGTERM');
      }
    };
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.on(signal, () => {
        if (!stopping) {
          log.info({ signal }, 'stopping the workers');
          stopAll();
        }
      });
    }
    log.info({ workers }, 'starting the workers');
    start();
  });
}

/** This worker's number (the first is 1), or null outside a multi-worker gateway. */
export function workerNumber(): number | null {
  return cluster.isWorker ? cluster.worker!.id : null;
}
