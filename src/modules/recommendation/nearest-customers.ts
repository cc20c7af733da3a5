import { groupToKeys } from '../../lib/align-to-keys.js';
import { GroupBatch } from '../../lib/group-commit.js';
import type { Neighbour, VectorSpace, VectorStore } from './vector.store.js';

/** One neighbour of one customer, as `VectorStore.nearestCustomers` gives it. */
export interface NearestRow {
  customerId: string;
  neighbour: Neighbour;
}

/** Searches of one statement at most: a page of 20 customers is one search. */
const MAX_SEARCHES_PER_STATEMENT = 32;

/**
 * The nearest-customer searches of every request on this instance, grouped (GroupBatch):
 * searches asked while one runs share the next statement, never one that started before them,
 * so under load one round trip serves many 360 reads and a search still sees every vector
 * stored before it was asked. On the 2-core test machine each statement's round trip, parse
 * and plan cost more than the HNSW search itself.
 *
 * Only searches of the same model and list length share a statement: HNSW's candidate list
 * depends on the length asked, so each answer stays the one its own statement would give.
 */
export class NearestCustomers {
  private model: string | null = null;
  private readonly groups = new Map<string, GroupBatch<readonly string[], NearestRow[]>>();

  constructor(private readonly vectors: Pick<VectorStore, 'nearestCustomers'>) {}

  /** Each customer's `limit` nearest customers, nearest first, grouped by customer. */
  find(space: VectorSpace, customerIds: readonly string[], limit: number): Promise<NearestRow[]> {
    if (space.model !== this.model) {
      // A refit named a new model: the old model's groups will not be asked again.
      this.model = space.model;
      this.groups.clear();
    }
    const shape = `${space.dimensions}:${limit}`;
    let group = this.groups.get(shape);
    if (group === undefined) {
      group = new GroupBatch(
        (searches) => this.searchAll(space, searches, limit),
        MAX_SEARCHES_PER_STATEMENT,
      );
      this.groups.set(shape, group);
    }
    return group.add(customerIds);
  }

  private async searchAll(
    space: VectorSpace,
    searches: readonly (readonly string[])[],
    limit: number,
  ): Promise<NearestRow[][]> {
    const ids = [...new Set(searches.flat())];
    const rows = await this.vectors.nearestCustomers(space, ids, limit);
    const byCustomer = new Map(
      groupToKeys(ids, rows, (row) => row.customerId).map((found, i) => [ids[i]!, found]),
    );
    return searches.map((asked) => asked.flatMap((id) => byCustomer.get(id)!));
  }
}
