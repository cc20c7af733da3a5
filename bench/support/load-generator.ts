/**
 * autocannon in a process of its own: the bench forks this file, sends one LoadPlan and gets
 * one LoadFigures back, then the child exits. An in-process load generator shares the event
 * loop and the cores with the gateway it measures (issue 9 measured 18 % lost that way).
 */
import autocannon from 'autocannon';

/** What to send: POST bodies taken in turn, one per request, over `connections` sockets. */
export interface LoadPlan {
  url: string;
  key: string;
  bodies: string[];
  connections: number;
  durationS: number;
  /** Seconds before a request counts as timed out (autocannon's default, 10, when absent). */
  timeoutS?: number;
}

/** What came back, in milliseconds and requests per second. */
export interface LoadFigures {
  p50: number;
  p99: number;
  mean: number;
  rps: number;
  requests: number;
  errors: number;
  /** The first answer that was not a 200, or had GraphQL errors: what went wrong. */
  firstError: string | null;
}

function run(plan: LoadPlan): Promise<LoadFigures> {
  let next = 0;
  let firstError: string | null = null;
  return autocannon({
    url: plan.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${plan.key}` },
    connections: plan.connections,
    duration: plan.durationS,
    timeout: plan.timeoutS ?? 10,
    requests: [
      {
        setupRequest: (request) => {
          const body = plan.bodies[next % plan.bodies.length]!;
          next += 1;
          return { ...request, body };
        },
        onResponse: (status, body) => {
          if (firstError === null && (status !== 200 || body.startsWith('{"errors"'))) {
            firstError = `${status} ${body.slice(0, 300)}`;
          }
        },
      },
    ],
  }).then((result) => ({
    p50: result.latency.p50,
    p99: result.latency.p99,
    mean: result.latency.average,
    rps: result.requests.average,
    requests: result.requests.total,
    errors: result.errors + result.non2xx + result.timeouts,
    firstError,
  }));
}

process.once('message', (plan: LoadPlan) => {
  void run(plan).then(
    (figures) => process.send!(figures, () => process.exit(0)),
    (error: unknown) => {
      process.exitCode = 1;
      throw error;
    },
  );
});
