import { MASK, type PiiMasking } from '../access/pii.masking.js';
import { type Citation, CitationKind, type Fact } from './assistant.kinds.js';

/** Everything the 360 read knows of one customer, as loaded (raw, unmasked). */
export interface CustomerRecord {
  id: string;
  displayName: string;
  email: string | null;
  traits: Record<string, unknown>;
  interestKeywords: readonly string[];
  identities: readonly { type: string; value: string }[];
  consents: readonly { purpose: string; granted: boolean | null }[];
  events: readonly {
    id: string;
    type: string;
    name: string | null;
    properties: Record<string, unknown>;
    occurredAt: Date;
  }[];
  relatives: readonly { relativeId: string; relation: string }[];
  segments: readonly { segmentId: string; name: string; since: Date }[];
  prediction: {
    churnRisk: number;
    pAlive: number;
    clv: number | null;
    rfmSegment: string;
    computedAt: Date;
  } | null;
  interactions: readonly {
    kind: string;
    itemId: string;
    itemKind: 'product' | 'content';
    itemName: string | null;
    count: number;
    lastAt: Date;
  }[];
}

/** How the caller's key may read personal values. */
export interface FactView {
  masking: PiiMasking;
  /** The key has READ_PII: personal values go in as they are (and are audited). */
  unmasked: boolean;
}

/**
 * The customer as facts, each citing what it rests on. Masking happens here, before any prompt
 * exists: for a key without READ_PII a personal value is left out entirely (not even its
 * masked form reaches the model), so the model cannot repeat what the key may not read.
 * Relatives appear by id and relation only: another customer's data never enters.
 */
export function customerFacts(record: CustomerRecord, view: FactView): Fact[] {
  const facts: Fact[] = [];
  const add = (kind: CitationKind, id: string, text: string, personal = false) =>
    facts.push({ citation: { kind, id }, text, personal });
  const profile = record.id;
  if (view.unmasked) {
    add(CitationKind.PROFILE, profile, `Name: ${record.displayName}`, true);
    if (record.email !== null) {
      add(CitationKind.PROFILE, profile, `E-mail: ${record.email}`, true);
    }
  }
  for (const [key, value] of Object.entries(readable(record.traits, view, 'json'))) {
    const personal = view.unmasked && view.masking.isPersonal('json', { [key]: value });
    add(CitationKind.PROFILE, profile, `Trait ${key}: ${JSON.stringify(value)}`, personal);
  }
  const keywords = record.interestKeywords.filter((k) => view.unmasked || isPlain(k, view));
  if (keywords.length > 0) {
    add(CitationKind.PROFILE, profile, `Declared interests: ${keywords.join(', ')}`);
  }
  for (const identity of record.identities) {
    const value = view.unmasked
      ? identity.value
      : String(view.masking.mask('identity', identity.value, identity.type));
    const shown = value.includes(MASK) ? '' : `: ${value}`;
    const personal =
      view.unmasked && view.masking.isPersonal('identity', identity.value, identity.type);
    add(
      CitationKind.IDENTITY,
      identity.type,
      `Known by an identifier of type ${identity.type}${shown}`,
      personal,
    );
  }
  for (const consent of record.consents) {
    const answer = consent.granted === null ? 'not asked' : consent.granted ? 'granted' : 'refused';
    add(CitationKind.CONSENT, consent.purpose, `Consent for ${consent.purpose}: ${answer}`);
  }
  for (const event of record.events) {
    const personal =
      view.unmasked &&
      (view.masking.isPersonal('json', event.properties) ||
        view.masking.isPersonal('opaque', event.name));
    add(CitationKind.EVENT, event.id, eventText(event, view), personal);
  }
  for (const relative of record.relatives) {
    add(
      CitationKind.RELATIONSHIP,
      relative.relativeId,
      `Has a ${relative.relation.toLowerCase()} (another customer)`,
    );
  }
  for (const segment of record.segments) {
    add(
      CitationKind.SEGMENT,
      segment.segmentId,
      `Member of the segment "${segment.name}" since ${day(segment.since)}`,
    );
  }
  facts.push(...predictionFacts(record.prediction));
  for (const i of record.interactions) {
    const name = i.itemName === null ? '' : ` "${i.itemName}"`;
    add(
      CitationKind.INTERACTION,
      i.itemId,
      `${i.kind.toLowerCase()} the ${i.itemKind}${name} ${times(i.count)}, last on ${day(i.lastAt)}`,
    );
  }
  return facts;
}

function predictionFacts(prediction: CustomerRecord['prediction']): Fact[] {
  if (prediction === null) {
    return [];
  }
  const at = `(computed ${day(prediction.computedAt)})`;
  const fact = (id: string, text: string): Fact => ({
    citation: { kind: CitationKind.PREDICTION, id },
    text: `${text} ${at}`,
    personal: false,
  });
  return [
    fact('churnRisk', `Churn risk: ${percent(prediction.churnRisk)}`),
    fact('pAlive', `Probability still active: ${percent(prediction.pAlive)}`),
    ...(prediction.clv === null
      ? []
      : [fact('clv', `Predicted customer lifetime value: ${prediction.clv.toFixed(2)}`)]),
    fact('rfmSegment', `RFM segment: ${prediction.rfmSegment}`),
  ];
}

function eventText(event: CustomerRecord['events'][number], view: FactView): string {
  const name =
    event.name === null || !(view.unmasked || isPlain(event.name, view)) ? '' : ` "${event.name}"`;
  const properties = readable(event.properties, view, 'json');
  const shown = Object.keys(properties).length === 0 ? '' : ` with ${JSON.stringify(properties)}`;
  return `Event ${event.type}${name}${shown} on ${day(event.occurredAt)}`;
}

/** The JSON keys whose values the view may read, with those values; the rest left out. */
function readable(
  json: Record<string, unknown>,
  view: FactView,
  kind: 'json',
): Record<string, unknown> {
  if (view.unmasked) {
    return json;
  }
  const masked = view.masking.mask(kind, json) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(masked).filter(([, value]) => !JSON.stringify(value).includes(MASK)),
  );
}

function isPlain(text: string, view: FactView): boolean {
  return view.masking.mask('opaque', text) === text;
}

const day = (date: Date) => date.toISOString().slice(0, 10);
const percent = (p: number) => `${Math.round(p * 100)} %`;
const times = (n: number) => (n === 1 ? 'once' : `${n} times`);

/** Facts of one kind and id, e.g. to check a citation a model gave. */
export const citationKey = (c: Citation) => `${c.kind}:${c.id}`;
