import { execute } from 'graphql';
import pLimit from 'p-limit';

import { PassLoop } from '../../lib/pass-loop.js';
import type { Logger } from '../../logger.js';
import type { GatewayHandle } from '../module.js';
import type { BuiltDocument, Customer360Store } from './customer-360.store.js';
import { encodeDocument, entriesOf, type HeldEntry, idsIn } from './document.js';
import { DOCUMENT_FORMAT, heldDocument } from './held-query.js';
import { recordLoaders } from './projected-loaders.js';

export interface ProjectorOptions {
  store: Customer360Store;
  logger: Logger;
  /**
   * Off: documents are neither built nor served; marks of customers without one are cleared
   * (so they do not pile up), those of customers with one kept (it stays unservable).
   */
  enabled: boolean;
  /** Pause between looks at the marks when there was nothing to do. */
  pollMs: number;
  /** Customers per pass. */
  batchSize?: number;
  /** How long a document's results that age (similar customers) are served after its build. */
  agedAfterMs: number;
  /** Documents built at once (each is one live 360 read). */
  concurrency?: number;
}

// Reads asking for customers without a document: remembered up to this many, then dropped
// (a flood of unknown ids must not grow memory; a dropped one is asked again by its next read).
const MAX_WANTED = 10_000;

// Customers whose held fields go in one operation (one statement per loader for all of them).
const BUILD_BATCH = 50;

/**
 * Keeps documents up to date: each pass leases the marks of a batch of dirty (or wanted)
 * customers, runs the
 * held query for each through the live loaders, records what they returned, and stores it with
 * what it shows. Every instance runs one; they never work on the same customer at once.
 */
export class Projector {
  private readonly wanted = new Set<string>();
  private readonly aged = new Set<string>();
  private readonly log: Logger;
  private gateway: GatewayHandle | undefined;
  private readonly loop = new PassLoop(() => this.pass());
  private failures = 0;

  constructor(private readonly options: ProjectorOptions) {
    this.log = options.logger.child({ module: 'read-model' });
  }

  bind(gateway: GatewayHandle): void {
    this.gateway = gateway;
  }

  /** Customers a read found without a fresh document: build theirs soon. */
  want(customerIds: readonly string[]): void {
    for (const id of customerIds) {
      if (this.wanted.size < MAX_WANTED) {
        this.wanted.add(id);
      }
    }
    this.loop.wake();
  }

  /** Customers whose document a read found too old to serve in part: mark and rebuild it. */
  age(customerIds: readonly string[]): void {
    for (const id of customerIds) {
      if (this.aged.size < MAX_WANTED) {
        this.aged.add(id);
      }
    }
    this.loop.wake();
  }

  /** Looks at the marks now (the outbox advanced: marks waiting for it may be taken). */
  wake(): void {
    this.loop.wake();
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass; returns how many customers it took on (built, cleared or left for later). */
  async runOnce(): Promise<number> {
    const { store, enabled } = this.options;
    if (this.aged.size > 0) {
      const aged = [...this.aged];
      this.aged.clear();
      // A mark, as a write makes: the usual pass rebuilds the document (this one, if it can).
      await store.markAged(aged, DOCUMENT_FORMAT, this.options.agedAfterMs);
    }
    const wanted = enabled ? [...this.wanted].slice(0, this.batchSize) : [];
    const claim = await store.claim(wanted, this.batchSize, !enabled);
    if (claim.customerIds.length === 0) {
      return 0;
    }
    // Off: nothing is built; marks of customers with a document stay (it stays unservable).
    const { documents, failed } = enabled
      ? await this.build(claim.toBuild)
      : { documents: [], failed: claim.withDocument };
    await store.commit(DOCUMENT_FORMAT, claim, documents, failed);
    for (const id of wanted) {
      // A wanted customer not built waits for the graph to apply a write (blocked).
      if (claim.toBuild.includes(id)) {
        this.wanted.delete(id);
      }
    }
    return claim.customerIds.length;
  }

  private get batchSize(): number {
    return this.options.batchSize ?? 100;
  }

  /**
   * Builds documents, 50 customers per operation. One a store could not answer for is left
   * out (never stored half-built): its marks stay for a later pass.
   */
  private async build(
    customerIds: readonly string[],
  ): Promise<{ documents: BuiltDocument[]; failed: Set<string> }> {
    const gateway = this.gateway;
    if (gateway === undefined) {
      throw new Error('the read model is not bound to the gateway yet');
    }
    const limit = pLimit(this.options.concurrency ?? 2);
    const batches = await Promise.all(
      chunk(customerIds, BUILD_BATCH).map((ids) => limit(() => buildDocuments(gateway, ids))),
    );
    const built = batches.flatMap((batch) => batch.built);
    const failed = new Set(customerIds.filter((_, i) => built[i] === 'failed'));
    if (failed.size > 0) {
      const reasons = [...new Set(batches.flatMap((batch) => batch.errors))].slice(0, 3);
      this.log.warn({ customers: failed.size, reasons }, 'read model documents could not be built');
    }
    const documents = customerIds.flatMap((customerId, i): BuiltDocument[] => {
      const b = built[i]!;
      return b === 'failed' ? [] : [{ customerId, built: b }];
    });
    return { documents, failed };
  }

  /** One background pass; returns the pause before the next. */
  private async pass(): Promise<number> {
    let settled = 0;
    try {
      settled = await this.runOnce();
      if (this.failures > 0) {
        this.log.info('read model projector resumed');
      }
      this.failures = 0;
    } catch (error) {
      if (this.failures === 0) {
        this.log.warn({ err: (error as Error).message }, 'read model projector paused');
      }
      this.failures += 1;
    }
    if (this.failures > 0) {
      return Math.min(250 * 2 ** this.failures, 5_000);
    }
    return settled >= this.batchSize ? 0 : this.options.pollMs;
  }
}

type Built = { doc: Buffer; refs: string[] } | null | 'failed';

/**
 * Documents for a batch of customers: the held fields of all of them in one operation through
 * the live loaders (so each loader is one statement for the batch), with what the loaders
 * returned recorded and split per customer. Null for a customer that does not exist (erased,
 * merged away, never was); 'failed' when a store could not answer for it (a partial document
 * is never stored).
 */
async function buildDocuments(gateway: GatewayHandle, customerIds: readonly string[]) {
  const entries: HeldEntry[] = [];
  const context = gateway.internalContext();
  context.loaders = recordLoaders(context.loaders, entries);
  const result = await execute({
    schema: gateway.schema,
    document: heldDocument(customerIds.length),
    variableValues: Object.fromEntries(customerIds.map((id, i) => [`i${i}`, id])),
    contextValue: context,
  });
  const failed = new Set((result.errors ?? []).map((error) => error.path?.[0] ?? '*'));
  const data = (result.data ?? {}) as Record<string, { id: string } | null>;
  const errors = (result.errors ?? []).map((error) => error.message);
  const built = customerIds.map((customerId, i): Built => {
    const alias = `c${i}`;
    if (failed.has(alias) || failed.has('*')) {
      return 'failed';
    }
    const answer = data[alias];
    if (!answer || answer.id !== customerId) {
      return null;
    }
    const shown = idsIn(answer);
    shown.delete(customerId);
    return {
      doc: encodeDocument(entriesOf(customerId, shown, entries)),
      refs: [...shown],
    };
  });
  return { built, errors };
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    chunks.push(items.slice(i, i + size));
  }
  return chunks;
}
