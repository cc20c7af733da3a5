import os from 'node:os';

/**
 * Starts measuring how busy the machine's cores are (every process on it, the databases
 * included); the returned function gives the busy share of all cores since the start, 0–1.
 * A latency figure means little without the load it was measured under.
 */
export function cpuMeter(): () => number {
  const start = cpuTimes();
  return () => {
    const end = cpuTimes();
    const total = end.total - start.total;
    return total > 0 ? 1 - (end.idle - start.idle) / total : 0;
  };
}

function cpuTimes(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const { times } of os.cpus()) {
    idle += times.idle;
    total += times.user + times.nice + times.sys + times.idle + times.irq;
  }
  return { idle, total };
}
