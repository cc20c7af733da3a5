/**
 * The floor: the gateway's own statements for each request (recorded by StatementRecorder),
 * sent straight to PostgreSQL with `pg` and to Neo4j with `neo4j-driver`, each as soon as
 * the answer it waited for in the gateway has come, over
 * `connections` concurrent loops, in a process of its own. What no gateway can beat on these
 * stores: no HTTP, no GraphQL, no access checks, only the queries and their round trips.
 */
import neo4j from 'neo4j-driver';
import pg from 'pg';

import type { RecordedRequest, RecordedStatement } from './statement-recorder.js';

export interface FloorPlan {
  requests: RecordedRequest[];
  connections: number;
  durationS: number;
  postgresUrl: string;
  poolMax: number;
  neo4jUri: string;
}

export interface FloorFigures {
  p50: number;
  p99: number;
  rps: number;
  requests: number;
}

async function replay(plan: FloorPlan): Promise<FloorFigures> {
  const pool = new pg.Pool({ connectionString: plan.postgresUrl, max: plan.poolMax });
  const driver = neo4j.driver(plan.neo4jUri, neo4j.auth.basic('neo4j', 'unused'), {
    disableLosslessIntegers: true,
  });
  const send = async (statement: RecordedStatement) => {
    if (statement.store === 'postgres') {
      await pool.query(statement.text, statement.parameters as unknown[]);
      return;
    }
    const session = driver.session({ defaultAccessMode: neo4j.session.READ });
    try {
      await session.run(statement.text, statement.parameters as Record<string, unknown>);
    } finally {
      await session.close();
    }
  };
  const latencies: number[] = [];
  let next = 0;
  const deadline = performance.now() + plan.durationS * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      const request = plan.requests[next++ % plan.requests.length]!;
      const started = performance.now();
      // Each statement goes as soon as the one it waited for in the gateway has answered.
      const done: Promise<void>[] = [];
      for (const statement of request) {
        const after = statement.parent === -1 ? Promise.resolve() : done[statement.parent]!;
        done.push(after.then(() => send(statement)));
      }
      await Promise.all(done);
      latencies.push(performance.now() - started);
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: plan.connections }, loop));
  const elapsedS = (performance.now() - began) / 1000;
  await Promise.all([pool.end(), driver.close()]);
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return {
    p50: at(0.5),
    p99: at(0.99),
    rps: latencies.length / elapsedS,
    requests: latencies.length,
  };
}

process.once('message', (plan: FloorPlan) => {
  void replay(plan).then(
    (figures) => process.send!(figures, () => process.exit(0)),
    (error: unknown) => {
      process.exitCode = 1;
      throw error;
    },
  );
});
