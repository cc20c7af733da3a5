import type { GraphDb } from '../datasources/neo4j.js';
import type { Postgres } from '../datasources/postgres.js';
import type { Logger } from '../logger.js';
import { CustomerGraph } from '../modules/customer/customer.graph.js';
import { CatalogGraph, isCatalogTopic } from '../modules/catalog/catalog.graph.js';
import { type ClaimedMessage, type OutboxPayloads, OutboxStore } from './outbox.store.js';

export interface OutboxRelayOptions {
  db: Postgres;
  graph: GraphDb;
  logger: Logger;
  /** Messages applied per pass (one UNWIND statement per topic). */
  batchSize?: number;
  /** Pause between polls when there is nothing to do. */
  idleMs?: number;
  /** Longest pause before a failed message is tried again (backoff doubles up to it). */
  maxBackoffMs?: number;
}

/**
 * Carries outbox messages from PostgreSQL to the stores that follow it (Neo4j for now), in
 * every gateway instance. A store that is down delays messages, never loses them: a failed
 * batch is released with a growing delay and applied again once the store answers. Applying a
 * message twice is harmless (every graph write is a MERGE).
 */
export class OutboxRelay {
  private readonly outbox: OutboxStore;
  private readonly customerGraph: CustomerGraph;
  private readonly catalogGraph: CatalogGraph;
  private readonly log: Logger;
  private readonly batchSize: number;
  private readonly idleMs: number;
  private readonly maxBackoffMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private failing = false;

  constructor(options: OutboxRelayOptions) {
    this.outbox = new OutboxStore(options.db);
    this.customerGraph = new CustomerGraph(options.graph);
    this.catalogGraph = new CatalogGraph(options.graph);
    this.log = options.logger.child({ module: 'outbox.relay' });
    this.batchSize = options.batchSize ?? 200;
    this.idleMs = options.idleMs ?? 250;
    this.maxBackoffMs = options.maxBackoffMs ?? 5_000;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Runs a pass soon, e.g. right after this instance wrote to the outbox. */
  wake(): void {
    if (!this.stopped && this.running === undefined) {
      this.schedule(0);
    }
  }

  /** Stops polling and waits for the pass in progress; leased rows go back after their lease. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /**
   * Claims one batch and applies it.
   *
   * @returns how many messages were applied (0 when none were due or the batch failed).
   */
  async runOnce(): Promise<number> {
    const messages = await this.outbox.claim(this.batchSize, 30_000);
    if (messages.length === 0) {
      return 0;
    }
    try {
      await this.apply(messages);
    } catch (error) {
      const attempts = Math.max(...messages.map((m) => m.attempts));
      const delay = Math.min(250 * 2 ** attempts, this.maxBackoffMs);
      await this.outbox.retryLater(
        messages.map((m) => m.id),
        delay,
        (error as Error).message ?? String(error),
      );
      if (!this.failing) {
        this.log.warn(
          { err: (error as Error).message, pending: messages.length },
          'outbox relay paused',
        );
      }
      this.failing = true;
      return 0;
    }
    await this.outbox.deleteByIds(messages.map((m) => m.id));
    if (this.failing) {
      this.log.info('outbox relay resumed');
    }
    this.failing = false;
    return messages.length;
  }

  /**
   * Applies messages in outbox order, one UNWIND statement per run of consecutive messages of
   * the same kind, so a link followed by an unlink of the same pair ends unlinked.
   */
  private async apply(messages: readonly ClaimedMessage[]): Promise<void> {
    for (const run of runsOf(messages)) {
      const first = run[0]!;
      if (first.topic === 'graph.customer.upserted') {
        // Later messages win: a customer renamed twice in one run ends with the second name.
        const customers = new Map(
          run.map((m) => [
            (m.payload as { id: string }).id,
            m.payload as { id: string; displayName: string },
          ]),
        );
        await this.customerGraph.mergeCustomers([...customers.values()]);
      } else if (first.topic === 'graph.customer.erased') {
        await this.customerGraph.deleteNodes(
          run.map((m) => (m.payload as OutboxPayloads['graph.customer.erased']).id),
        );
      } else if (first.topic === 'graph.customer.merged') {
        const pairs = run.map((m) => m.payload as OutboxPayloads['graph.customer.merged']);
        // Deleting the merged node would drop its catalog edges: move them first.
        await this.catalogGraph.repointCustomers(pairs);
        await this.customerGraph.mergeNodes(pairs);
      } else if (isCatalogTopic(first.topic)) {
        await this.catalogGraph.apply(first.topic, run);
      } else {
        const { type } = first.payload as OutboxPayloads['graph.relationship.linked'];
        const edges = run.map((m) => {
          const { from, to } = m.payload as OutboxPayloads['graph.relationship.linked'];
          return { from, to };
        });
        if (first.topic === 'graph.relationship.linked') {
          await this.customerGraph.mergeEdges(type, edges);
        } else {
          await this.customerGraph.deleteEdges(type, edges);
        }
      }
    }
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.pass().finally(() => {
        this.running = undefined;
      });
    }, delayMs);
  }

  private async pass(): Promise<void> {
    let applied = 0;
    try {
      applied = await this.runOnce();
    } catch (error) {
      // PostgreSQL itself is unreachable: nothing can be claimed; try again after a pause.
      this.log.warn({ err: (error as Error).message }, 'outbox relay cannot reach postgres');
    }
    if (!this.stopped) {
      this.schedule(applied === this.batchSize ? 0 : this.idleMs);
    }
  }
}

/** Splits messages into runs of the same topic (and, for relationships, the same type). */
function runsOf(messages: readonly ClaimedMessage[]): ClaimedMessage[][] {
  const kind = (m: ClaimedMessage) =>
    'type' in m.payload ? `${m.topic}:${m.payload.type}` : m.topic;
  const runs: ClaimedMessage[][] = [];
  for (const message of messages) {
    const last = runs.at(-1);
    if (last && kind(last[0]!) === kind(message)) {
      last.push(message);
    } else {
      runs.push([message]);
    }
  }
  return runs;
}
