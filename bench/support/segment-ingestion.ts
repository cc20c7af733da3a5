import type pg from 'pg';

import { cpuMeter } from './cpu-busy.js';

/** An instance to send to, with the key it accepts. */
export interface Target {
  url: string;
  key: string;
}

/** One ingestion run, in milliseconds from the first call. */
export interface IngestionFigures {
  /** Events per second from the first call until the outbox is empty. */
  eventsPerS: number;
  /** When the last trackBatch call returned. */
  acceptedMs: number;
  /** When the outbox was first seen empty after that. */
  appliedMs: number;
  /** Outbox messages that failed at least once and were retried. */
  retried: number;
  /** Busy share of the machine's cores over the run, 0–1. */
  cpuBusy: number;
}

/** Posts one request body; throws on anything but a clean answer. */
export async function post(target: Target, body: string): Promise<unknown> {
  const response = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${target.key}` },
    body,
  });
  const text = await response.text();
  const answer = JSON.parse(text) as {
    errors?: unknown;
    data?: Record<string, { rejected?: number } | null>;
  };
  const rejected = Object.values(answer.data ?? {}).some((r) => (r?.rejected ?? 0) > 0);
  if (response.status !== 200 || answer.errors !== undefined || rejected) {
    throw new Error(`${response.status} ${text.slice(0, 500)}`);
  }
  return answer;
}

/**
 * Resolves once the outbox is empty, with how many of its messages had to be retried. Polls
 * every 20 ms: the measurement's resolution, small against runs of seconds.
 */
export async function outboxDrained(db: pg.Pool): Promise<number> {
  let retried = 0;
  for (;;) {
    const { rows } = await db.query<{ pending: number; retried: number }>(
      `SELECT count(*)::int AS pending, count(*) FILTER (WHERE attempts > 1)::int AS retried FROM outbox`,
    );
    retried = Math.max(retried, rows[0]!.retried);
    if (rows[0]!.pending === 0) {
      return retried;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Sends request bodies with `callers` concurrent callers, each call to the next instance in
 * turn, then waits until the relays of both have applied everything.
 */
export function createIngestion(options: {
  db: pg.Pool;
  targets: readonly Target[];
  callers: number;
}) {
  return async (bodies: readonly string[], events: number): Promise<IngestionFigures> => {
    const busy = cpuMeter();
    const started = performance.now();
    let next = 0;
    const caller = async () => {
      for (let i = next++; i < bodies.length; i = next++) {
        await post(options.targets[i % options.targets.length]!, bodies[i]!);
      }
    };
    await Promise.all(Array.from({ length: options.callers }, caller));
    const acceptedMs = performance.now() - started;
    const retried = await outboxDrained(options.db);
    const appliedMs = performance.now() - started;
    return {
      eventsPerS: (events * 1_000) / appliedMs,
      acceptedMs,
      appliedMs,
      retried,
      cpuBusy: busy(),
    };
  };
}
