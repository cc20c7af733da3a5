import { z } from 'zod';

import { TextModelError } from '../../datasources/text-model.js';
import { type Citation, type Fact, type Statement } from './assistant.kinds.js';
import { handleOf } from './assistant.prompts.js';

/** Bounds on what a model may hand back, whatever it was asked. */
export const OUTPUT_LIMITS = { statements: 12, statementChars: 600, totalChars: 4_000 } as const;

const StatementsOutput = z.object({
  statements: z
    .array(z.object({ text: z.string(), citations: z.array(z.string()).max(50) }))
    .max(100),
});

const SegmentOutput = z.object({ rule: z.string().max(20_000), explanation: z.string() });

/**
 * Model output is untrusted text: it may hold markup, control characters, a link someone
 * planted in an event name, or far too much. What leaves here is plain, bounded text.
 */
export function plainText(text: string, maxChars: number): string {
  const plain = text
    .replace(/<\/?[a-z!?][^>]*>/gi, ' ')
    .replace(/[<>]/g, ' ')
    // eslint-disable-next-line no-control-regex -- control characters are what is removed
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e]/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/ ([.,;:!?])/g, '$1')
    .trim();
  return plain.length <= maxChars ? plain : `${plain.slice(0, maxChars - 1).trimEnd()}…`;
}

/**
 * The statements of a model's answer that cite facts it was given, with the handles turned
 * back into citations. A handle not given is dropped; so is a statement left citing nothing.
 *
 * @throws TextModelError INVALID_OUTPUT when the answer is not of the asked shape.
 */
export function statementsFrom(output: unknown, facts: readonly Fact[]): Statement[] {
  const parsed = StatementsOutput.safeParse(output);
  if (!parsed.success) {
    throw new TextModelError('the answer is not of the asked shape', 'INVALID_OUTPUT', null, 1);
  }
  const byHandle = new Map(facts.map((fact, i) => [handleOf(i), fact.citation] as const));
  const statements: Statement[] = [];
  let total = 0;
  for (const raw of parsed.data.statements) {
    const citations = unique(
      raw.citations.flatMap((handle) => {
        const citation = byHandle.get(
          handle
            .trim()
            .replace(/^\[|\]$/g, '')
            .toUpperCase(),
        );
        return citation ? [citation] : [];
      }),
    );
    const text = plainText(raw.text, OUTPUT_LIMITS.statementChars);
    if (citations.length === 0 || text === '') {
      continue;
    }
    total += text.length;
    if (total > OUTPUT_LIMITS.totalChars || statements.length === OUTPUT_LIMITS.statements) {
      break;
    }
    statements.push({ text, citations });
  }
  return statements;
}

/** The rule a model proposed, parsed from its JSON text; not yet checked by the engine. */
export function segmentFrom(output: unknown): { rule: unknown; explanation: string } {
  const parsed = SegmentOutput.safeParse(output);
  if (!parsed.success) {
    throw new TextModelError('the answer is not of the asked shape', 'INVALID_OUTPUT', null, 1);
  }
  let rule: unknown;
  try {
    rule = JSON.parse(parsed.data.rule);
  } catch {
    throw new TextModelError('the proposed rule is not JSON', 'INVALID_OUTPUT', null, 1);
  }
  return { rule, explanation: plainText(parsed.data.explanation, OUTPUT_LIMITS.statementChars) };
}

/** Citations in first-seen order, each once. */
export function unique(citations: readonly Citation[]): Citation[] {
  const seen = new Map<string, Citation>();
  for (const c of citations) {
    seen.set(`${c.kind}:${c.id}`, seen.get(`${c.kind}:${c.id}`) ?? c);
  }
  return [...seen.values()];
}
