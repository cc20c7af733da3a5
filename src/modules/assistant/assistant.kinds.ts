/** What a statement of a summary or an answer rests on. */
export const CitationKind = {
  PROFILE: 'PROFILE',
  IDENTITY: 'IDENTITY',
  CONSENT: 'CONSENT',
  EVENT: 'EVENT',
  RELATIONSHIP: 'RELATIONSHIP',
  SEGMENT: 'SEGMENT',
  PREDICTION: 'PREDICTION',
  INTERACTION: 'INTERACTION',
  PRODUCT: 'PRODUCT',
} as const;
export type CitationKind = (typeof CitationKind)[keyof typeof CitationKind];

/** Who wrote an answer: the language model, or the templates (no GEMINI_API_KEY). */
export const AnswerSource = {
  MODEL: 'MODEL',
  TEMPLATE: 'TEMPLATE',
} as const;
export type AnswerSource = (typeof AnswerSource)[keyof typeof AnswerSource];

/** The name shown as `model` for answers written by templates. */
export const TEMPLATE_MODEL = 'template:v1';

export interface Citation {
  kind: CitationKind;
  /** The cited thing's id: an event id, a segment id, a product id, a prediction measure... */
  id: string;
}

/**
 * One thing known about the subject, as the caller's key may read it: the only material a
 * prompt or a template is built from. `text` never holds a value masked for that key.
 */
export interface Fact {
  citation: Citation;
  text: string;
  /** Whether `text` holds a personal value (read unmasked, so audited as such). */
  personal: boolean;
}

/** A sentence and what it rests on: the unit of every summary and answer. */
export interface Statement {
  text: string;
  citations: Citation[];
}

/** A summary or an answer, before it becomes a GraphQL object. */
export interface Answer {
  text: string;
  statements: Statement[];
  citations: Citation[];
  model: string;
  source: AnswerSource;
  generatedAt: Date;
}
