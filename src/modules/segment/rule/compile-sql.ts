import type {
  EventCondition,
  Json,
  NumberOperator,
  PredictionCondition,
  ProductInteractionCondition,
  PropertyFilter,
  Rule,
  ValueOperator,
  Window,
} from './rule.js';

/** Positional parameters of one statement, numbered as they are added. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown, cast = ''): string {
    this.values.push(value);
    return `$${this.values.length}${cast}`;
  }
}

/**
 * Leaves the SQL cannot answer itself (they live in the graph, or need a vector looked up
 * first): the evaluator works them out beforehand and hands the compiler, for each, the ids
 * of the customers for whom the leaf holds.
 */
export type ExternalLeaf = (rule: Rule) => readonly string[] | null;

export interface CompileContext {
  params: SqlParams;
  /** The parameter holding the moment of evaluation: every window is measured from it. */
  now: string;
  external: ExternalLeaf;
  /**
   * When given, event aggregates that need no ordering are handed here instead of becoming a
   * subquery each: `aggregate` (over `e`, a row of the customer's events) restricted by
   * `filter`, reading no event before `since` (null: the whole history). It returns the SQL
   * that names the computed value, so one scan of a customer's events serves every leaf.
   */
  aggregate?: (aggregate: string, filter: string, since: string | null) => string;
}

const NUMBER_SQL: Record<NumberOperator, string> = {
  equals: '=',
  notEquals: '<>',
  greaterThan: '>',
  greaterOrEqual: '>=',
  lessThan: '<',
  lessOrEqual: '<=',
};

/** Columns of customer_predictions by measure: the only names spliced into the statement. */
const PREDICTION_COLUMNS: Record<PredictionCondition['measure'], string> = {
  churnRisk: 'churn_risk',
  pAlive: 'p_alive',
  clv: 'clv',
  rfmRecency: 'rfm_recency',
  rfmFrequency: 'rfm_frequency',
  rfmMonetary: 'rfm_monetary',
};

/**
 * One leaf as a boolean SQL expression about the customer `c` (a row of `customers`; `c.id`
 * may be null for a customer that no longer exists). Names and operators come from the
 * checked rule, never from text: every value travels as a parameter.
 */
export function compileLeaf(rule: Rule, ctx: CompileContext): string {
  const { params } = ctx;
  if ('trait' in rule) {
    return valueTest(`c.traits`, rule.trait, params);
  }
  if ('identity' in rule) {
    return `EXISTS (SELECT 1 FROM identities i WHERE i.customer_id = c.id AND i.type = ${params.add(rule.identity.type)})`;
  }
  if ('consent' in rule) {
    return `EXISTS (SELECT 1 FROM customer_consents cc WHERE cc.customer_id = c.id AND cc.purpose = ${params.add(rule.consent.purpose)} AND cc.granted = ${params.add(rule.consent.granted)})`;
  }
  if ('event' in rule) {
    return eventAggregate(rule.event, ctx);
  }
  if ('followUpMissing' in rule) {
    const f = rule.followUpMissing;
    return `EXISTS (SELECT 1 FROM events a WHERE a.customer_id = c.id AND a.type = ${params.add(f.type)}
      AND a.occurred_at <= ${ctx.now} - ${params.add(f.olderThanMinutes)} * interval '1 minute'
      AND a.occurred_at >= ${ctx.now} - ${params.add(f.withinMinutes)} * interval '1 minute'
      AND NOT EXISTS (SELECT 1 FROM events b WHERE b.customer_id = c.id AND b.type = ${params.add(f.followedBy)} AND b.occurred_at >= a.occurred_at))`;
  }
  if ('productInteraction' in rule) {
    return productInteraction(rule.productInteraction, ctx);
  }
  if ('campaign' in rule && rule.campaign.relation === 'responded') {
    const window = windowTest('e.occurred_at', rule.campaign.window, ctx);
    return `EXISTS (SELECT 1 FROM events e WHERE e.customer_id = c.id AND e.campaign_id = ${params.add(rule.campaign.campaignId, '::uuid')}${window})`;
  }
  if ('inSegment' in rule) {
    const m = rule.inSegment;
    const older =
      m.enteredMoreThanMinutes === undefined
        ? ''
        : ` AND m.since <= ${ctx.now} - ${params.add(m.enteredMoreThanMinutes)} * interval '1 minute'`;
    const newer =
      m.enteredLessThanMinutes === undefined
        ? ''
        : ` AND m.since > ${ctx.now} - ${params.add(m.enteredLessThanMinutes)} * interval '1 minute'`;
    return `EXISTS (SELECT 1 FROM segment_memberships m WHERE m.segment_id = ${params.add(m.segmentId, '::uuid')} AND m.customer_id = c.id${older}${newer})`;
  }
  if ('prediction' in rule) {
    const column = PREDICTION_COLUMNS[rule.prediction.measure];
    return `EXISTS (SELECT 1 FROM customer_predictions cp WHERE cp.customer_id = c.id AND cp.${column} ${NUMBER_SQL[rule.prediction.op]} ${params.add(rule.prediction.value, '::numeric')})`;
  }
  const holders = ctx.external(rule);
  if (holders === null) {
    throw new Error(`no SQL for the leaf ${Object.keys(rule)[0]}`);
  }
  return `c.id = ANY(${params.add(holders, '::uuid[]')})`;
}

/** A JSON value of `source` (an object column) under `test.key`, tested with `test.op`. */
function valueTest(
  source: string,
  test: { key: string; op: ValueOperator; value?: Json; values?: Json[] },
  params: SqlParams,
): string {
  const key = params.add(test.key);
  const field = `(${source} -> ${key})`;
  switch (test.op) {
    case 'exists':
      return `(${source} ? ${key} AND ${field} <> 'null'::jsonb)`;
    case 'notExists':
      return `NOT (${source} ? ${key} AND ${field} <> 'null'::jsonb)`;
    case 'equals':
      return `${field} = ${params.add(JSON.stringify(test.value), '::jsonb')}`;
    case 'notEquals':
      return `${field} IS DISTINCT FROM ${params.add(JSON.stringify(test.value), '::jsonb')}`;
    case 'in':
      return `${field} = ANY(${params.add(
        (test.values ?? []).map((v) => JSON.stringify(v)),
        '::jsonb[]',
      )})`;
    case 'contains': {
      const value = params.add(JSON.stringify(test.value), '::jsonb');
      // A list holds the value; a text holds it as a substring (case-insensitive).
      return `CASE jsonb_typeof(${field})
        WHEN 'array' THEN ${field} @> jsonb_build_array(${value})
        WHEN 'string' THEN strpos(lower(${field} #>> '{}'), lower(${value} #>> '{}')) > 0
        ELSE false END`;
    }
    case 'greaterThan':
    case 'greaterOrEqual':
    case 'lessThan':
    case 'lessOrEqual':
      return ordered(field, test.op, test.value, params);
  }
}

/** Numbers compare as numbers, anything else as text (ISO dates order correctly as text). */
function ordered(field: string, op: NumberOperator, value: Json | undefined, params: SqlParams) {
  const sign = NUMBER_SQL[op];
  if (typeof value === 'number') {
    return `(jsonb_typeof(${field}) = 'number' AND (${field} #>> '{}')::numeric ${sign} ${params.add(value, '::numeric')})`;
  }
  return `(jsonb_typeof(${field}) = 'string' AND (${field} #>> '{}') ${sign} ${params.add(String(value))})`;
}

function windowTest(column: string, window: Window | undefined, ctx: CompileContext): string {
  if (window === undefined) {
    return '';
  }
  if ('lastMinutes' in window) {
    return ` AND ${column} >= ${ctx.now} - ${ctx.params.add(window.lastMinutes)} * interval '1 minute' AND ${column} <= ${ctx.now}`;
  }
  return ` AND ${column} >= ${ctx.params.add(window.from, '::timestamptz')} AND ${column} < ${ctx.params.add(window.to, '::timestamptz')}`;
}

function propertyFilters(filters: readonly PropertyFilter[], params: SqlParams): string {
  return filters.map((filter) => ` AND ${valueTest('e.properties', filter, params)}`).join('');
}

/** Aggregates over an unordered set of events, which one shared scan can compute. */
const SHARED_AGGREGATES: ReadonlySet<EventCondition['aggregate']> = new Set([
  'count',
  'sum',
  'average',
  'daysSinceFirst',
  'daysSinceLast',
]);

function eventAggregate(event: EventCondition, ctx: CompileContext): string {
  if (ctx.aggregate !== undefined && SHARED_AGGREGATES.has(event.aggregate)) {
    return sharedEventAggregate(event, ctx, ctx.aggregate);
  }
  const { params } = ctx;
  const where = [
    'e.customer_id = c.id',
    event.type === undefined ? null : `e.type = ${params.add(event.type)}`,
    event.name === undefined ? null : `e.name = ${params.add(event.name)}`,
  ]
    .filter((part) => part !== null)
    .join(' AND ');
  const scope = `FROM events e WHERE ${where}${windowTest('e.occurred_at', event.window, ctx)}${propertyFilters(event.where, params)}`;
  const number =
    event.property === undefined
      ? 'NULL::numeric'
      : `CASE WHEN jsonb_typeof(e.properties -> ${params.add(event.property)}) = 'number' THEN (e.properties ->> ${params.add(event.property)})::numeric END`;
  const days = (edge: string) => `extract(epoch FROM ${ctx.now} - ${edge}(e.occurred_at)) / 86400`;
  const value: Record<EventCondition['aggregate'], string> = {
    count: `(SELECT count(*) ${scope})`,
    sum: `(SELECT coalesce(sum(${number}), 0) ${scope})`,
    average: `(SELECT avg(${number}) ${scope})`,
    first: `(SELECT ${number} ${scope} ORDER BY e.occurred_at, e.id LIMIT 1)`,
    last: `(SELECT ${number} ${scope} ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1)`,
    daysSinceFirst: `(SELECT ${days('min')} ${scope})`,
    daysSinceLast: `(SELECT ${days('max')} ${scope})`,
  };
  return `coalesce(${value[event.aggregate]} ${NUMBER_SQL[event.op]} ${params.add(event.value, '::numeric')}, false)`;
}

/** {@link eventAggregate} as a FILTERed aggregate of the shared scan (same values). */
function sharedEventAggregate(
  event: EventCondition,
  ctx: CompileContext,
  aggregate: NonNullable<CompileContext['aggregate']>,
): string {
  const { params } = ctx;
  const filter = [
    'true',
    event.type === undefined ? null : `e.type = ${params.add(event.type)}`,
    event.name === undefined ? null : `e.name = ${params.add(event.name)}`,
  ]
    .filter((part) => part !== null)
    .join(' AND ');
  // The window's start is one parameter, used both here and to bound the shared scan.
  const since =
    event.window === undefined
      ? null
      : 'lastMinutes' in event.window
        ? `(${ctx.now} - ${params.add(event.window.lastMinutes)} * interval '1 minute')`
        : params.add(event.window.from, '::timestamptz');
  const window =
    event.window === undefined
      ? ''
      : 'lastMinutes' in event.window
        ? ` AND e.occurred_at >= ${since} AND e.occurred_at <= ${ctx.now}`
        : ` AND e.occurred_at >= ${since} AND e.occurred_at < ${params.add(event.window.to, '::timestamptz')}`;
  const where = `${filter}${window}${propertyFilters(event.where, params)}`;
  const number =
    event.property === undefined
      ? 'NULL::numeric'
      : `CASE WHEN jsonb_typeof(e.properties -> ${params.add(event.property)}) = 'number' THEN (e.properties ->> ${params.add(event.property)})::numeric END`;
  const days = (edge: string) => `extract(epoch FROM ${ctx.now} - ${edge})`;
  // Thunks: only the leaf's own aggregate may be registered with the scan.
  const value: Record<string, () => string> = {
    count: () => aggregate('count(*)', where, since),
    sum: () => `coalesce(${aggregate(`sum(${number})`, where, since)}, 0)`,
    average: () => aggregate(`avg(${number})`, where, since),
    daysSinceFirst: () => `${days(aggregate('min(e.occurred_at)', where, since))} / 86400`,
    daysSinceLast: () => `${days(aggregate('max(e.occurred_at)', where, since))} / 86400`,
  };
  return `coalesce(${value[event.aggregate]!()} ${NUMBER_SQL[event.op]} ${params.add(event.value, '::numeric')}, false)`;
}

function productInteraction(p: ProductInteractionCondition, ctx: CompileContext): string {
  const { params } = ctx;
  const category =
    p.category === undefined ? '' : ` AND ${params.add(p.category)} = ANY(p.categories)`;
  const arrived =
    p.newArrivalDays === undefined
      ? ''
      : ` AND p.created_at >= ${ctx.now} - ${params.add(p.newArrivalDays)} * interval '1 day'`;
  const restocked =
    p.restockedDays === undefined
      ? ''
      : ` AND p.in_stock AND p.restocked_at >= ${ctx.now} - ${params.add(p.restockedDays)} * interval '1 day'`;
  return `(SELECT count(*) FROM events e JOIN products p ON p.id = e.product_id
    WHERE e.customer_id = c.id AND e.type = ANY(${params.add(p.types, '::text[]')})${category}${arrived}${restocked}${windowTest('e.occurred_at', p.window, ctx)}) >= ${params.add(p.minCount)}`;
}
