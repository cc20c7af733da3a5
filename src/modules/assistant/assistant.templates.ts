import { type CitationKind, type Fact, type Statement } from './assistant.kinds.js';
import { unique } from './assistant.output.js';

/*
 * Answers without a model (no GEMINI_API_KEY): the same facts, put in sentences by rule, so the
 * API answers the same way everywhere and tests are deterministic. Labelled `TEMPLATE`.
 */

const HEADINGS: Record<CitationKind, string> = {
  PROFILE: 'Profile',
  IDENTITY: 'Identifiers',
  CONSENT: 'Consents',
  EVENT: 'Recent activity',
  RELATIONSHIP: 'Relationships',
  SEGMENT: 'Segments',
  PREDICTION: 'Predictions',
  INTERACTION: 'Catalogue interactions',
  PRODUCT: 'Products',
};

/** Most facts one template statement lists. */
const PER_STATEMENT = 5;

/** One statement per kind of fact, in a fixed order, listing up to five facts each. */
export function templateSummary(facts: readonly Fact[]): Statement[] {
  const statements: Statement[] = [];
  for (const kind of Object.keys(HEADINGS) as CitationKind[]) {
    const ofKind = facts.filter((f) => f.citation.kind === kind).slice(0, PER_STATEMENT);
    if (ofKind.length > 0) {
      statements.push(listing(HEADINGS[kind], ofKind));
    }
  }
  return statements;
}

/**
 * The facts sharing a word with the question (a word of three letters or more), best first;
 * none when nothing matches.
 */
export function templateAnswer(facts: readonly Fact[], question: string): Statement[] {
  const terms = words(question);
  const scored = facts
    .map((fact, index) => ({ fact, index, score: overlap(words(fact.text), terms) }))
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, PER_STATEMENT);
  return scored.length === 0
    ? []
    : [
        listing(
          'From the data',
          scored.map((s) => s.fact),
        ),
      ];
}

/** Every retrieved product, in rank order. */
export function templateProducts(products: readonly Fact[]): Statement[] {
  return products.length === 0 ? [] : [listing('Matching products', products)];
}

function listing(heading: string, facts: readonly Fact[]): Statement {
  return {
    text: `${heading}: ${facts.map((f) => f.text).join('; ')}.`,
    citations: unique(facts.map((f) => f.citation)),
  };
}

/** Words that say nothing about which fact is meant. */
const STOP_WORDS = new Set(
  'the and are was were has have had did does what which who whom how when why this that they their them with for from any all customer customers'.split(
    ' ',
  ),
);

function words(text: string): Set<string> {
  const found = text.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? [];
  return new Set(found.filter((w) => !STOP_WORDS.has(w)).map(stem));
}

/** Crude folding of plurals and a final e, so "purchases" meets "purchase". */
const stem = (word: string) => word.replace(/(?:es|s|e)$/u, '');

function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let n = 0;
  for (const w of a) {
    if (b.has(w)) {
      n += 1;
    }
  }
  return n;
}
