import type { Queryable } from '../../../datasources/postgres.js';
import { compileLeaf, SqlParams } from '../rule/compile-sql.js';
import { evaluateTree, leavesOf, type Rule, type SimilarityCondition } from '../rule/rule.js';
import type { SegmentGraph } from '../segment.graph.js';

/** What one customer looks like to a set of rules. */
export interface CustomerLeaves {
  /** False for an id that is no customer (any more): never a member, whatever the rule says. */
  present: boolean;
  /** Per rule, the truth of each of its leaves (leavesOf order). */
  leaves: boolean[][];
  /** Its memberships of the segments asked for (none asked: empty). */
  memberships: StoredMembership[];
}

/** A membership as the evaluation that may change it reads it. */
export interface StoredMembership {
  segmentId: string;
  conditions: boolean[];
  version: number;
}

/**
 * Works out the leaves of several rules for a set of customers, at one moment: one SQL
 * statement for everything PostgreSQL knows, after the graph (relationships, campaign
 * targeting) and vector look-ups have been answered for the same customers.
 */
export class LeafEvaluator {
  constructor(
    private readonly db: Queryable,
    private readonly graph: SegmentGraph,
    private readonly now: Date,
  ) {}

  /**
   * `scopes[r]`, when set, limits rule r to those customers: for the others its leaves come
   * back null and none of its SQL runs (what the caller knows cannot have changed is not
   * worked out again). `membershipsOf`: segments whose memberships of these customers are read
   * in the same statement (an evaluation's view of who is in, at the same moment).
   */
  async evaluate(
    rules: readonly Rule[],
    ids: readonly string[],
    scopes: readonly (ReadonlySet<string> | undefined)[] = [],
    membershipsOf: readonly string[] = [],
  ): Promise<Map<string, CustomerLeaves>> {
    const result = new Map<string, CustomerLeaves>();
    if (ids.length === 0 || rules.length === 0) {
      return result;
    }
    const leaves = rules.map((rule) => leavesOf(rule));
    const external = new Map<Rule, string[]>();
    for (const [r, ruleLeaves] of leaves.entries()) {
      const scope = scopes[r];
      const scopedIds = scope === undefined ? ids : ids.filter((id) => scope.has(id));
      for (const leaf of ruleLeaves) {
        const holders = await this.externalHolders(leaf.rule, scopedIds);
        if (holders !== null) {
          external.set(leaf.rule, holders);
        }
      }
    }
    const params = new SqlParams();
    const idsParam = params.add(ids, '::uuid[]');
    const scan = new SharedEventScan();
    let compiling = 0;
    const ctx = {
      params,
      now: params.add(this.now, '::timestamptz'),
      external: (rule: Rule) => external.get(rule) ?? null,
      aggregate: (aggregate: string, filter: string, since: string | null) =>
        scan.add(compiling, aggregate, filter, since),
    };
    // One boolean column per scoped rule, aligned with the ids: CASE evaluates a leaf's
    // subqueries only on the rows where it is true.
    const masks: string[] = [];
    const guardOf = (scope: ReadonlySet<string>) => {
      const mask = ids.map((id) => scope.has(id));
      masks.push(params.add(mask, '::boolean[]'));
      return `c0.s${masks.length - 1}`;
    };
    const columns = leaves.flatMap((ruleLeaves, r) => {
      compiling = r;
      const scope = scopes[r];
      const guard = scope === undefined ? null : guardOf(scope);
      return ruleLeaves.map((leaf) => {
        const value = `coalesce((${compileLeaf(leaf.rule, ctx)}), false)`;
        return guard === null ? value : `CASE WHEN ${guard} THEN ${value} END`;
      });
    });
    const wanted = scan.wanted(ids, scopes);
    const source = [
      idsParam,
      ...masks,
      ...(wanted === null ? [] : [params.add(wanted, '::boolean[]')]),
    ];
    const names = ['id', ...masks.map((_, i) => `s${i}`), ...(wanted === null ? [] : ['ev'])];
    const memberships =
      membershipsOf.length === 0
        ? `'[]'::json`
        : `(SELECT coalesce(json_agg(json_build_array(sm.segment_id, sm.conditions, sm.version)), '[]')
            FROM segment_memberships sm
            WHERE sm.segment_id = ANY(${params.add(membershipsOf, '::uuid[]')}) AND sm.customer_id = c0.id)`;
    const { rows } = await this.db.query<{
      id: string;
      present: boolean;
      v: boolean[];
      m: [string, boolean[], number][];
    }>(
      // The moment is selected too: a statement must use every parameter it is given.
      `/* segment.leaves */ SELECT c0.id::text AS id, c.id IS NOT NULL AS present, ${ctx.now} AS at,
         ARRAY[${columns.join(', ')}]::boolean[] AS v, ${memberships} AS m
       FROM unnest(${source.join(', ')}) AS c0(${names.join(', ')}) LEFT JOIN customers c ON c.id = c0.id
       ${scan.join(wanted === null ? null : 'c0.ev')}`,
      params.values,
    );
    for (const row of rows) {
      let offset = 0;
      result.set(row.id, {
        present: row.present,
        leaves: leaves.map((ruleLeaves) => {
          const slice = row.v.slice(offset, offset + ruleLeaves.length);
          offset += ruleLeaves.length;
          return slice;
        }),
        memberships: row.m.map(([segmentId, conditions, version]) => ({
          segmentId,
          conditions,
          version,
        })),
      });
    }
    return result;
  }

  /** Which customers a whole rule holds for. */
  async matching(rule: Rule, ids: readonly string[]): Promise<Set<string>> {
    const values = await this.evaluate([rule], ids);
    return new Set(
      [...values]
        .filter(([, v]) => v.present && evaluateTree(rule, v.leaves[0]!))
        .map(([id]) => id),
    );
  }

  /** The customers among `ids` a graph or vector leaf holds for; null for a SQL leaf. */
  private async externalHolders(rule: Rule, ids: readonly string[]): Promise<string[] | null> {
    if ('relationship' in rule) {
      const { type, direction, to } = rule.relationship;
      const relatives = await this.graph.relatives(ids, type, direction);
      const everyRelative = [...new Set([...relatives.values()].flat())];
      const qualified =
        to === undefined ? new Set(everyRelative) : await this.matching(to, everyRelative);
      return [...relatives]
        .filter(([, theirs]) => theirs.some((relative) => qualified.has(relative)))
        .map(([id]) => id);
    }
    if ('campaign' in rule && rule.campaign.relation === 'targeted') {
      return this.graph.targeted(ids, rule.campaign.campaignId);
    }
    if ('similarTo' in rule) {
      return this.similar(rule.similarTo, ids);
    }
    return null;
  }

  private async similar(condition: SimilarityCondition, ids: readonly string[]): Promise<string[]> {
    const target = await this.targetVector(condition);
    if (target === null) {
      return [];
    }
    const { rows } = await this.db.query<{ id: string }>(
      `/* segment.similar */ SELECT customer_id::text AS id FROM customer_embeddings
       WHERE customer_id = ANY($1::uuid[]) AND model = $2
         AND (embedding <=> $3::vector) <= $4`,
      [ids, target.model, target.vector, condition.maxDistance],
    );
    return rows.map((row) => row.id);
  }

  /**
   * The vector to compare with, in a model customers have preference vectors in: a product's
   * vector only counts in a model that also embeds customers (preferences are item means).
   */
  private async targetVector(
    condition: SimilarityCondition,
  ): Promise<{ model: string; vector: string } | null> {
    const { rows } =
      condition.customerId !== undefined
        ? await this.db.query<{ model: string; vector: string }>(
            `/* segment.customerVector */ SELECT model, embedding::text AS vector FROM customer_embeddings
             WHERE customer_id = $1 ORDER BY updated_at DESC LIMIT 1`,
            [condition.customerId],
          )
        : await this.db.query<{ model: string; vector: string }>(
            `/* segment.productVector */ SELECT ie.model, ie.embedding::text AS vector FROM item_embeddings ie
             WHERE ie.item_kind = 'product' AND ie.item_id = $1
               AND EXISTS (SELECT 1 FROM customer_embeddings ce WHERE ce.model = ie.model)
             ORDER BY ie.updated_at DESC LIMIT 1`,
            [condition.productId],
          );
    return rows[0] ?? null;
  }
}

/**
 * The event aggregates of every leaf, computed in one scan of each customer's events (a
 * LATERAL join) instead of one subquery per leaf and customer: twenty segments reading
 * purchases, views and carts then cost one index range scan per customer, not twenty.
 */
class SharedEventScan {
  private readonly columns: string[] = [];
  private readonly since: (string | null)[] = [];
  private readonly rules = new Set<number>();

  /** Registers an aggregate for rule `r`; returns the SQL naming its value. */
  add(r: number, aggregate: string, filter: string, since: string | null): string {
    const name = `a${this.columns.length}`;
    this.columns.push(`${aggregate} FILTER (WHERE ${filter}) AS ${name}`);
    this.since.push(since);
    this.rules.add(r);
    return `ev.${name}`;
  }

  /**
   * Per customer, whether any rule reading the scan is evaluated for them; null when every
   * customer needs it (a rule without scope reads it).
   */
  wanted(
    ids: readonly string[],
    scopes: readonly (ReadonlySet<string> | undefined)[],
  ): boolean[] | null {
    const reading = [...this.rules].map((r) => scopes[r]);
    if (reading.length === 0 || reading.some((scope) => scope === undefined)) {
      return null;
    }
    return ids.map((id) => reading.some((scope) => scope!.has(id)));
  }

  /** The LATERAL join, reading only events inside the widest window; '' when unused. */
  join(guard: string | null): string {
    if (this.columns.length === 0) {
      return '';
    }
    const bounded = this.since.every((since) => since !== null);
    const conditions = [
      'e.customer_id = c0.id',
      ...(guard === null ? [] : [guard]),
      ...(bounded ? [`e.occurred_at >= LEAST(${this.since.join(', ')})`] : []),
    ];
    return `LEFT JOIN LATERAL (SELECT ${this.columns.join(', ')} FROM events e WHERE ${conditions.join(' AND ')}) ev ON true`;
  }
}
