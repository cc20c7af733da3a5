import type { Backends } from '../backends.js';

export type StoreStatus =
  | { status: 'up'; backend: string }
  | { status: 'saturated'; backend: string; pool: { max: number; waiting: number } }
  | { status: 'down'; backend: string; error: string };

type StoreName = 'postgres' | 'neo4j' | 'redis';

export interface Readiness {
  status: 'ready' | 'not_ready' | 'shutting_down';
  stores: Record<StoreName, StoreStatus>;
}

/** Per-store deadlines: the same ones every request gets from that store's configuration. */
export type ReadinessDeadlines = Record<StoreName, number>;

/**
 * Pings every store at once, each under its own deadline, and names the ones that failed.
 * With the in-process fallback, Redis is always up. While shutting down it answers at once,
 * without pinging: the load balancer only needs to stop sending traffic.
 */
export async function checkReadiness(
  backends: Backends,
  deadlines: ReadinessDeadlines,
  shuttingDown: boolean,
): Promise<Readiness> {
  const backendNames = backends.describe();
  if (shuttingDown) {
    const stopping = (name: StoreName): StoreStatus => ({
      status: 'down',
      backend: backendNames[name],
      error: 'gateway is shutting down',
    });
    return {
      status: 'shutting_down',
      stores: {
        postgres: stopping('postgres'),
        neo4j: stopping('neo4j'),
        redis: stopping('redis'),
      },
    };
  }
  const saturated = (name: StoreName): StoreStatus => {
    const { max, waiting } = backends.postgres.poolState();
    return { status: 'saturated', backend: backendNames[name], pool: { max, waiting } };
  };
  const ping = async (name: StoreName, run: () => Promise<void>): Promise<StoreStatus> => {
    try {
      await withDeadline(run(), deadlines[name]);
      return { status: 'up', backend: backendNames[name] };
    } catch (error) {
      if ((error as { extensions?: { code?: unknown } }).extensions?.code === 'OVERLOADED') {
        return saturated(name);
      }
      // The driver's own words (the public error keeps them as its original error).
      const cause = (error as { originalError?: unknown }).originalError ?? error;
      const message = cause instanceof Error ? cause.message : String(cause);
      return { status: 'down', backend: backendNames[name], error: message };
    }
  };
  const [postgres, neo4j, redis] = await Promise.all([
    ping('postgres', () => backends.postgres.ping()),
    ping('neo4j', () => backends.graph.ping()),
    ping('redis', () => backends.redis?.ping() ?? Promise.resolve()),
  ]);
  // Every pooled connection busy with callers waiting: take this instance out of rotation
  // until it catches up, rather than let its requests time out.
  const pool = backends.postgres.poolState();
  const stores = {
    postgres:
      postgres.status === 'up' && pool.waiting > 0 && pool.total >= pool.max
        ? saturated('postgres')
        : postgres,
    neo4j,
    redis,
  };
  const allUp = Object.values(stores).every((store) => store.status === 'up');
  return { status: allUp ? 'ready' : 'not_ready', stores };
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
