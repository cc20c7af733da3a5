import type { Postgres } from '../../datasources/postgres.js';
import { ErrorCode, GatewayError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { SegmentGraph } from './segment.graph.js';
import { LeafEvaluator } from './evaluation/leaf-evaluator.js';
import { planOf } from './evaluation/segment-evaluator.js';
import { MAX_CASCADE, type SegmentEngine } from './evaluation/segment.engine.js';
import { ruleError, ruleFromInput, RULE_LIMITS } from './rule/from-input.js';
import { referencedSegments, type Rule } from './rule/rule.js';
import { TEMPLATES, templateRule, SegmentTemplateName } from './rule/templates.js';
import type {
  DefineSegmentInput,
  SegmentTemplateInput,
  UpdateSegmentInput,
} from './segment.inputs.js';
import type { SegmentRuleInput } from './segment-rule.inputs.js';
import { type SegmentRow, SegmentStore } from './segment.store.js';

export interface SegmentServiceDeps {
  db: Postgres;
  graph: SegmentGraph;
  engine: SegmentEngine;
  customIdentityTypes: readonly string[];
  chunkSize: number;
  logger: Logger;
}

const KEY_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Defining, changing, deleting and previewing segments: checks first, nothing half-stored. */
export class SegmentService {
  private readonly store: SegmentStore;

  constructor(private readonly deps: SegmentServiceDeps) {
    this.store = new SegmentStore(deps.db);
  }

  async define(input: DefineSegmentInput): Promise<SegmentRow> {
    if (!KEY_PATTERN.test(input.key)) {
      throw badInput(
        'key',
        'key must be 1 to 64 of a-z, 0-9, _ and -, starting with a letter or digit',
      );
    }
    const rule = this.ruleOf(input.rule, input.template, true)!;
    const draft = {
      key: input.key,
      name: checkedName(input.name),
      description: checkedDescription(input.description ?? null),
      rule,
    };
    const row = await this.definitionWrite(async (store) =>
      store.insert({ ...draft, refersTo: await referencesToStore(store, rule, null, null) }),
    );
    if (row === null) {
      throw new GatewayError(ErrorCode.CONFLICT, `a segment with key ${input.key} exists`, {
        extensions: { argument: 'input.key' },
      });
    }
    this.build(row);
    return row;
  }

  async update(id: string, input: UpdateSegmentInput): Promise<SegmentRow> {
    const changed = this.ruleOf(input.rule, input.template, false);
    const { existing, row } = await this.definitionWrite(async (store) => {
      const [existing] = await store.byIds([id]);
      if (existing === undefined) {
        throw notFound(id);
      }
      const rule = changed ?? existing.rule;
      const row = await store.update(id, {
        name: input.name == null ? existing.name : checkedName(input.name),
        description:
          input.description === undefined
            ? existing.description
            : checkedDescription(input.description),
        rule,
        refersTo: await referencesToStore(store, rule, id, existing.refersTo),
      });
      return { existing, row };
    });
    if (row === null) {
      throw notFound(id);
    }
    if (row.version !== existing.version) {
      this.build(row);
    }
    return row;
  }

  async delete(id: string): Promise<void> {
    await this.definitionWrite(async (store) => {
      const referrers = await store.referrers(id);
      if (referrers.length > 0) {
        throw new GatewayError(
          ErrorCode.CONFLICT,
          `segments ${referrers.map((r) => r.key).join(', ')} refer to this one; change them first`,
          { extensions: { referrers: referrers.map((r) => r.id) } },
        );
      }
      if (!(await store.delete(id))) {
        throw notFound(id);
      }
    });
  }

  /** Who a rule selects now, over every customer, without storing anything. */
  async preview(input: SegmentRuleInput, sampleSize: number) {
    if (!Number.isInteger(sampleSize) || sampleSize < 0 || sampleSize > 100) {
      throw badInput('sampleSize', 'sampleSize must be 0 to 100');
    }
    const rule = this.ruleOf(input, null, true)!;
    await checkReferences(this.store, rule, null);
    const evaluator = new LeafEvaluator(this.deps.db, this.deps.graph, new Date());
    let size = 0;
    let evaluated = 0;
    const sampleIds: string[] = [];
    for (let after: string | null = null; ;) {
      const ids = await this.store.customerChunk(after, this.deps.chunkSize);
      if (ids.length === 0) {
        break;
      }
      const members = await evaluator.matching(rule, ids);
      size += members.size;
      evaluated += ids.length;
      sampleIds.push(...[...members].slice(0, sampleSize - sampleIds.length));
      after = ids[ids.length - 1]!;
    }
    return { size, evaluated, sampleIds };
  }

  templates() {
    return TEMPLATES.map((t) => ({
      ...t,
      rule: templateRule(t.name, { category: t.needsCategory ? '<category>' : null }),
    }));
  }

  /** The full evaluation of a new version, in the background (progress on the segment). */
  private build(row: SegmentRow): void {
    const plan = planOf(row);
    this.deps.engine
      .evaluateAll(plan, { kind: 'definition', version: row.version })
      .catch((error: unknown) => {
        this.deps.logger.error(
          { err: error, segment: row.id },
          'segment evaluation failed; the time tick finishes it',
        );
      });
  }

  private ruleOf(
    rule: SegmentRuleInput | null | undefined,
    template: SegmentTemplateInput | null | undefined,
    required: boolean,
  ): Rule | null {
    if (rule != null && template != null) {
      throw badInput('input', 'set either rule or template, not both');
    }
    if (rule != null) {
      return ruleFromInput(rule, { customIdentityTypes: this.deps.customIdentityTypes });
    }
    if (template != null) {
      return ruleOfTemplate(template);
    }
    if (required) {
      throw badInput('input', 'set a rule or a template');
    }
    return null;
  }

  /**
   * One definition write (with its version record) in one transaction, after every other's:
   * two concurrent updates could otherwise each pass the cycle check the other defeats.
   */
  private definitionWrite<T>(write: (store: SegmentStore) => Promise<T>): Promise<T> {
    return this.deps.db.withTransaction(async (tx) => {
      const store = new SegmentStore(tx);
      await store.lockDefinitions();
      return write(store);
    });
  }
}

/**
 * Referenced segments exist and do not lead back to `selfId`; returns them, with every
 * segment as read.
 */
async function checkReferences(
  store: SegmentStore,
  rule: Rule,
  selfId: string | null,
): Promise<{ refersTo: string[]; all: SegmentRow[] }> {
  const refersTo = referencedSegments(rule);
  const rows = await store.list();
  const all = new Map(rows.map((s) => [s.id, s]));
  const missing = refersTo.filter((id) => !all.has(id));
  if (missing.length > 0) {
    throw ruleError('UNKNOWN_SEGMENT', 'inSegment', `no segment ${missing.join(', ')}`);
  }
  if (selfId !== null) {
    const cycle = findCycle(selfId, refersTo, (id) => all.get(id)?.refersTo ?? []);
    if (cycle !== null) {
      throw new GatewayError(
        ErrorCode.SEGMENT_CYCLE,
        `the rule would make segments refer to themselves: ${cycle.map((id) => all.get(id)?.key ?? id).join(' → ')}`,
        { extensions: { cycle } },
      );
    }
  }
  return { refersTo, all: rows };
}

/**
 * The references a rule to be stored makes, checked (above) and, when they are new to the
 * segment (`before`: what it referred to until now), held to the longest chain a change
 * ripples through: an edit that keeps its references keeps the chains they make.
 */
async function referencesToStore(
  store: SegmentStore,
  rule: Rule,
  selfId: string | null,
  before: readonly string[] | null,
): Promise<string[]> {
  const { refersTo, all } = await checkReferences(store, rule, selfId);
  if (before !== null && sameMembers(before, refersTo)) {
    return refersTo;
  }
  const chain = chainThrough(selfId, refersTo, all);
  if (chain > MAX_CASCADE) {
    throw ruleError(
      'TOO_DEEP',
      'inSegment',
      `segments may refer to segments at most ${MAX_CASCADE} deep; this rule makes a chain of ${chain}`,
    );
  }
  return refersTo;
}

/**
 * The longest chain of references through a segment referring to `refersTo`: the longest one
 * below it (through what it refers to) plus the longest above it (segments referring to it).
 */
function chainThrough(
  selfId: string | null,
  refersTo: readonly string[],
  rows: readonly { id: string; refersTo: readonly string[] }[],
): number {
  const references = new Map(rows.map((r) => [r.id, r.refersTo]));
  const referrers = new Map<string, string[]>();
  for (const row of rows.filter((r) => r.id !== selfId)) {
    for (const id of row.refersTo) {
      referrers.set(id, [...(referrers.get(id) ?? []), row.id]);
    }
  }
  // Memoized: segments referred to by many would otherwise be walked once per path.
  const longest = (next: Map<string, readonly string[]>) => {
    const known = new Map<string, number>();
    const from = (id: string): number => {
      let length = known.get(id);
      if (length === undefined) {
        const ids = next.get(id) ?? [];
        length = ids.length === 0 ? 0 : 1 + Math.max(...ids.map(from));
        known.set(id, length);
      }
      return length;
    };
    return from;
  };
  const below = longest(references);
  const above = longest(referrers);
  const down = refersTo.length === 0 ? 0 : 1 + Math.max(...refersTo.map(below));
  return down + (selfId === null ? 0 : above(selfId));
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}

function ruleOfTemplate(template: SegmentTemplateInput): Rule {
  const info = TEMPLATES.find((t) => t.name === template.name)!;
  if (info.needsCategory && (template.category == null || template.category.length === 0)) {
    throw ruleError('INVALID_VALUE', 'template.category', `${template.name} needs a category`);
  }
  const maxDays =
    template.name === SegmentTemplateName.WEEKLY_DIGEST
      ? RULE_LIMITS.maxUntypedWindowMinutes / 1440
      : 366;
  if (
    template.days != null &&
    (!Number.isInteger(template.days) || template.days < 1 || template.days > maxDays)
  ) {
    throw ruleError('WINDOW_OUT_OF_RANGE', 'template.days', `days must be 1 to ${maxDays}`);
  }
  return templateRule(template.name, template);
}

/** The path from `selfId` back to itself through references, if there is one. */
function findCycle(
  selfId: string,
  refersTo: readonly string[],
  referencesOf: (id: string) => readonly string[],
): string[] | null {
  const stack = refersTo.map((id) => [selfId, id]);
  const seen = new Set<string>();
  while (stack.length > 0) {
    const path = stack.pop()!;
    const last = path[path.length - 1]!;
    if (last === selfId) {
      return path;
    }
    if (seen.has(last)) {
      continue;
    }
    seen.add(last);
    for (const next of referencesOf(last)) {
      stack.push([...path, next]);
    }
  }
  return null;
}

function checkedName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 200) {
    throw badInput('name', 'name must be 1 to 200 characters');
  }
  return trimmed;
}

function checkedDescription(description: string | null): string | null {
  if (description !== null && description.length > 2_000) {
    throw badInput('description', 'description must be at most 2,000 characters');
  }
  return description;
}

function badInput(argument: string, message: string): GatewayError {
  return new GatewayError(ErrorCode.BAD_USER_INPUT, message, { extensions: { argument } });
}

function notFound(id: string): GatewayError {
  return new GatewayError(ErrorCode.NOT_FOUND, `no segment ${id}`, {
    extensions: { argument: 'id' },
  });
}
