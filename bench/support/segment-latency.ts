import { print } from 'graphql';
import type pg from 'pg';

import { SegmentMembershipChangedDocument } from '../../test/__generated__/graphql.js';
import { wsClient } from '../../test/support/graphql-client.js';
import { cpuMeter } from './cpu-busy.js';
import { type BenchCustomer, probeBody } from './segment-bench-data.js';
import { post, type Target } from './segment-ingestion.js';

export interface LatencyOptions {
  db: pg.Pool;
  /** Where probes are sent (instance A). */
  producer: Target;
  /** Where background batches go, in turn. */
  targets: readonly Target[];
  /** Where the subscriber listens (instance B). */
  subscriberUrl: string;
  probeSegmentId: string;
  /** Customers to probe with, each once, in order (the last one warms the subscription up). */
  probes: readonly BenchCustomer[];
  /** Names this phase's probe events, apart from other phases' (message ids are unique). */
  phase: string;
  /** `n` background events as request bodies. */
  background(n: number): string[];
  backgroundEventsPerS: number;
  durationS: number;
  probeEveryMs: number;
}

export interface LatencyFigures {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  sent: number;
  received: number;
  backgroundEventsPerS: number;
  backgroundSent: number;
  backlogAtEnd: number;
  /** Busy share of the machine's cores while probes and background ran, 0–1. */
  cpuBusy: number;
}

const BACKGROUND_BATCH = 500;

/**
 * Sends a probe every `probeEveryMs` (one event that puts a fresh customer into the probe
 * segment) while background batches arrive at a steady rate, and times each probe from its
 * trackBatch call returning to the subscriber hearing the customer enter.
 */
export async function measureLatency(options: LatencyOptions): Promise<LatencyFigures> {
  const heard = new Map<string, number>();
  const client = wsClient(options.subscriberUrl);
  const unsubscribe = client.subscribe(
    {
      query: print(SegmentMembershipChangedDocument),
      variables: { segmentIds: [options.probeSegmentId], afterCursor: '0' },
    },
    {
      next: (value) => {
        const change = (value.data as { segmentMembershipChanged?: { customerId: string } } | null)
          ?.segmentMembershipChanged;
        if (change) {
          heard.set(change.customerId, performance.now());
        }
      },
      error: (error) => {
        throw new Error(`probe subscription failed: ${JSON.stringify(error)}`);
      },
      complete: () => undefined,
    },
  );
  try {
    // The subscription is live once a probe comes through: only then does the clock start.
    const warmUp = options.probes.at(-1)!;
    await post(options.producer, probeBody(warmUp, `${options.phase}-warm-up`));
    await waitFor(() => heard.has(warmUp.id), 60_000);

    const bodies = options.background(
      Math.ceil((options.backgroundEventsPerS * options.durationS) / BACKGROUND_BATCH) *
        BACKGROUND_BATCH,
    );
    const backgroundEveryMs = (BACKGROUND_BATCH * 1_000) / options.backgroundEventsPerS;
    const busy = cpuMeter();
    const started = performance.now();
    const end = started + options.durationS * 1_000;
    const inFlight: Promise<unknown>[] = [];
    const accepted = new Map<string, number>();
    let sentBackground = 0;
    let probes = 0;
    let batches = 0;
    for (;;) {
      const nextProbe = started + probes * options.probeEveryMs;
      // No background at all (a rate of 0): probes alone, the path's own latency.
      const nextBatch =
        options.backgroundEventsPerS > 0 ? started + batches * backgroundEveryMs : Infinity;
      const at = Math.min(nextProbe, nextBatch);
      if (at >= end) {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - performance.now())));
      if (nextProbe <= nextBatch) {
        const customer = options.probes[probes]!;
        inFlight.push(
          post(options.producer, probeBody(customer, `${options.phase}-${probes}`)).then(() =>
            accepted.set(customer.id, performance.now()),
          ),
        );
        probes += 1;
      } else if (batches < bodies.length) {
        const body = bodies[batches]!;
        inFlight.push(post(options.targets[batches % options.targets.length]!, body));
        sentBackground += BACKGROUND_BATCH;
        batches += 1;
      } else {
        batches += 1;
      }
    }
    const cpuBusy = busy();
    const { rows } = await options.db.query<{ pending: number }>(
      `SELECT count(*)::int AS pending FROM outbox`,
    );
    await Promise.all(inFlight);
    const sent = [...accepted.keys()];
    await waitFor(() => sent.every((id) => heard.has(id)), 60_000);
    const latencies = sent
      .filter((id) => heard.has(id))
      .map((id) => heard.get(id)! - accepted.get(id)!)
      .sort((x, y) => x - y);
    const at = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
    return {
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      max: latencies.at(-1)!,
      sent: sent.length,
      received: latencies.length,
      backgroundEventsPerS: options.backgroundEventsPerS,
      backgroundSent: sentBackground,
      backlogAtEnd: rows[0]!.pending,
      cpuBusy,
    };
  } finally {
    unsubscribe();
    await client.dispose();
  }
}

/** Checks `done` every 10 ms (a bench's measurement loop, not a test's synchronisation). */
async function waitFor(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
