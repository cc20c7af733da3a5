import type { Queryable } from '../../datasources/postgres.js';
import type { GraphDb } from '../../datasources/neo4j.js';
import { appliersByTopic } from '../../outbox/outbox.relay.js';
import type { OutboxApplier, OutboxTopic } from '../../outbox/outbox.topic.js';
import { CampaignTargetStore } from '../catalog/campaign-target.store.js';
import {
  CampaignTargeted,
  CampaignUpserted,
  ContentUpserted,
  ProductUpserted,
} from '../catalog/catalog.topics.js';
import { CustomerUpserted } from '../customer/customer.topics.js';
import { EventsAccepted } from '../event/event.topics.js';
import { RelationshipStore } from '../relationship/relationship.store.js';
import { RelationshipLinked } from '../relationship/relationship.topics.js';
import { GraphAdminGraph } from './graph-admin.graph.js';
import { GraphSourceStore, type SourceCounts } from './graph-source.store.js';

/** The steps of a rebuild, in the order they run; each reports rows done of its own total. */
export type ProjectionPhase = 'wipe' | keyof SourceCounts;

export type ProjectionProgress = (phase: ProjectionPhase, done: number) => void;

/** What was found in the graph and not in PostgreSQL: edges a wipe would lose. */
export interface UnbackedEdges {
  relationships: number;
  targets: number;
}

export interface GraphProjectionDeps {
  db: Queryable;
  graph: GraphDb;
  /** The gateway's outbox appliers; only those marked `graph` are used. */
  appliers: readonly OutboxApplier[];
  /** Rows per synthetic message run (one applier call). */
  chunkSize?: number;
}

/**
 * Re-projects Neo4j from PostgreSQL, the system of record, through the same appliers the
 * outbox relay uses: each chunk of rows becomes the payloads of the topic that would have
 * carried it (customers as `graph.customer.upserted`, events as `events.accepted`, ...) and
 * is handed to every graph applier of that topic, in the relay's order. The graph therefore
 * ends as the relay would have left it, without a second copy of the projection rules.
 */
export class GraphProjection {
  private readonly source: GraphSourceStore;
  private readonly relationships: RelationshipStore;
  private readonly targets: CampaignTargetStore;
  private readonly admin: GraphAdminGraph;
  private readonly appliers: ReadonlyMap<string, readonly OutboxApplier[]>;
  private readonly chunkSize: number;

  constructor(deps: GraphProjectionDeps) {
    this.source = new GraphSourceStore(deps.db);
    this.relationships = new RelationshipStore(deps.db);
    this.targets = new CampaignTargetStore(deps.db);
    this.admin = new GraphAdminGraph(deps.graph);
    this.appliers = appliersByTopic(deps.appliers.filter((a) => a.graph === true));
    this.chunkSize = deps.chunkSize ?? 500;
  }

  /** Rows each phase will project, and the nodes the wipe will delete. */
  async plan(): Promise<SourceCounts & { wipe: number }> {
    return { wipe: await this.admin.countNodes(), ...(await this.source.counts()) };
  }

  /**
   * Counts relationship and targeting edges the graph holds that PostgreSQL lacks: on a
   * deployment from before PostgreSQL kept them, a wipe would lose them (run the backfill).
   */
  async findUnbacked(): Promise<UnbackedEdges> {
    const found: UnbackedEdges = { relationships: 0, targets: 0 };
    await this.eachGraphEdgePage(async (page) => {
      found.relationships += (await this.relationships.findMissing(page.relationships)).length;
      found.targets += (await this.targets.findMissing(page.targets)).length;
    });
    return found;
  }

  /**
   * True on a deployment that has not run the backfill: PostgreSQL keeps no relationship and
   * no targeting, yet the graph holds some. Two cheap reads, for a warning at start.
   */
  async needsBackfill(): Promise<boolean> {
    if ((await this.relationships.count()) > 0 || (await this.targets.count()) > 0) {
      return false;
    }
    return this.admin.hasRelationshipsOrTargets();
  }

  /**
   * The one-time backfill: copies relationship and targeting edges that exist only in the graph
   * into PostgreSQL (those of customers or campaigns PostgreSQL no longer holds are skipped).
   * Idempotent.
   */
  async backfill(): Promise<{ relationships: number; targets: number }> {
    const added = { relationships: 0, targets: 0 };
    await this.eachGraphEdgePage(async (page) => {
      added.relationships += await this.relationships.backfill(page.relationships);
      added.targets += await this.targets.backfill(page.targets);
    });
    return added;
  }

  /** Deletes every node and edge, a batch per transaction. */
  async wipe(progress: ProjectionProgress = () => undefined): Promise<number> {
    let deleted = 0;
    for (;;) {
      const batch = await this.admin.deleteBatch(this.chunkSize * 10);
      if (batch === 0) {
        return deleted;
      }
      deleted += batch;
      progress('wipe', deleted);
    }
  }

  /** Projects every row of PostgreSQL the graph mirrors, kind by kind. */
  async projectAll(progress: ProjectionProgress = () => undefined): Promise<SourceCounts> {
    return this.project(null, progress);
  }

  /**
   * Rebuilds some customers' nodes and neighbourhoods from PostgreSQL: their nodes go (with
   * every edge), then their profiles, relationships, targeting and interactions are projected
   * again. Catalog nodes and other customers' own edges are left as they are.
   */
  async reprojectCustomers(customerIds: readonly string[]): Promise<void> {
    await this.admin.deleteCustomers(customerIds);
    await this.project(customerIds, () => undefined);
  }

  private async project(
    customerIds: readonly string[] | null,
    progress: ProjectionProgress,
  ): Promise<SourceCounts> {
    const n = this.chunkSize;
    const s = this.source;
    const done: SourceCounts = {
      customers: await this.keyset('customers', CustomerUpserted, (after) =>
        s.customers(after?.id ?? null, n, customerIds),
      ),
      products: 0,
      content: 0,
      campaigns: 0,
      relationships: 0,
      targeting: 0,
      interactions: 0,
    };
    progress('customers', done.customers);
    if (customerIds === null) {
      const each = async <P extends { id: string }>(
        phase: 'products' | 'content' | 'campaigns',
        topic: OutboxTopic<P>,
        read: (after: string | null, limit: number) => Promise<P[]>,
      ) => {
        done[phase] = await this.keyset(
          phase,
          topic,
          (after) => read(after?.id ?? null, n),
          progress,
        );
      };
      await each('products', ProductUpserted, (a, l) => s.products(a, l));
      await each('content', ContentUpserted, (a, l) => s.content(a, l));
      await each('campaigns', CampaignUpserted, (a, l) => s.campaigns(a, l));
    }
    done.relationships = await this.keyset(
      'relationships',
      RelationshipLinked,
      (after) => this.relationships.listPage(after, n, customerIds),
      progress,
    );
    done.targeting = await this.keyset(
      'targeting',
      CampaignTargeted,
      (after) => this.targets.listPage(after, n, customerIds),
      progress,
    );
    done.interactions = await this.projectInteractions(customerIds, progress);
    return done;
  }

  /** Pages through `read` (keyset: each page after the last row of the one before). */
  private async keyset<P>(
    phase: ProjectionPhase,
    topic: OutboxTopic<P>,
    read: (after: P | null) => Promise<P[]>,
    progress: ProjectionProgress = () => undefined,
  ): Promise<number> {
    let after: P | null = null;
    let done = 0;
    for (;;) {
      const rows = await read(after);
      if (rows.length === 0) {
        return done;
      }
      await this.feed(topic, rows);
      done += rows.length;
      progress(phase, done);
      after = rows.at(-1)!;
    }
  }

  /** Events become `events.accepted` messages of their message ids, as when they were tracked. */
  private async projectInteractions(
    customerIds: readonly string[] | null,
    progress: ProjectionProgress,
  ): Promise<number> {
    let after = 0;
    let done = 0;
    for (;;) {
      const events = await this.source.interactionEvents(after, this.chunkSize * 10, customerIds);
      if (events.length === 0) {
        return done;
      }
      await this.feed(EventsAccepted, [{ messageIds: events.map((e) => e.messageId) }]);
      done += events.length;
      progress('interactions', done);
      after = events.at(-1)!.id;
    }
  }

  /** Hands one run of payloads to every graph applier of the topic, in the relay's order. */
  private async feed<P>(topic: OutboxTopic<P>, payloads: readonly P[]): Promise<void> {
    const appliers = this.appliers.get(topic.name);
    if (appliers === undefined) {
      // A wiring mistake, not an empty graph: say so instead of projecting nothing.
      throw new Error(`no graph applier follows ${topic.name}`);
    }
    for (const applier of appliers) {
      await applier.apply(payloads);
    }
  }

  private async eachGraphEdgePage(
    visit: (page: Awaited<ReturnType<GraphAdminGraph['listEdgePage']>>) => Promise<void>,
  ): Promise<void> {
    let after: string | null = null;
    do {
      const page = await this.admin.listEdgePage(after, this.chunkSize);
      await visit(page);
      after = page.next;
    } while (after !== null);
  }
}
