import type { Candidate, Evidence } from './blend.js';
import type { ItemFacts } from './history.store.js';
import { CandidateSource, EvidenceKind, ReasonKind } from './recommendation.kinds.js';

export interface Reason {
  kind: ReasonKind;
  /** A sentence for people; evidence names what it rests on. */
  text: string;
  evidence: Evidence[];
}

/** What the sentences may name: items by name; relatives only by relation (no personal data). */
export interface ReasonFacts {
  items: ReadonlyMap<string, ItemFacts>;
  /** Keywords the customer is interested in (profile and derived). */
  interests: ReadonlySet<string>;
  personalized: boolean;
}

const RELATION_WORDS: Record<string, string> = {
  SPOUSE_OF: 'your partner',
  PARENT_OF: 'a parent or child of yours',
  SIBLING_OF: 'your sibling',
  HOUSEHOLD_MEMBER: 'someone in your household',
};

const itemEvidence = (facts: ItemFacts | undefined, id: string): Evidence => ({
  kind: facts?.kind === 'content' ? EvidenceKind.CONTENT : EvidenceKind.PRODUCT,
  id,
});

const quoted = (facts: ItemFacts | undefined) =>
  facts ? `“${facts.name}”` : 'something you chose';

/** One reason per source that proposed the item, strongest source first. */
export function reasonsFor(itemId: string, proposals: Candidate, facts: ReasonFacts): Reason[] {
  const reasons: Reason[] = [];
  for (const [source, proposal] of proposals) {
    const first = proposal.evidence[0];
    switch (source) {
      case CandidateSource.COLLABORATIVE: {
        const because = first ? facts.items.get(first.id) : undefined;
        reasons.push({
          kind: ReasonKind.INTERACTED_WITH_SIMILAR,
          text: `Customers who liked ${quoted(because)} also liked this.`,
          evidence: proposal.evidence
            .slice(0, 3)
            .map((e) => itemEvidence(facts.items.get(e.id), e.id)),
        });
        break;
      }
      case CandidateSource.VECTOR:
        reasons.push(interestReason(facts.items.get(itemId), facts.interests));
        break;
      case CandidateSource.FAMILY:
        reasons.push({
          kind: ReasonKind.RELATIVE_INTERACTED,
          text: `Chosen by ${RELATION_WORDS[proposal.detail ?? ''] ?? 'a relative'}.`,
          evidence: proposal.evidence,
        });
        break;
      case CandidateSource.CAMPAIGN:
        reasons.push({
          kind: ReasonKind.CAMPAIGN,
          text: `Popular with people who responded to the campaign “${proposal.detail ?? ''}”, which is for you.`,
          evidence: proposal.evidence,
        });
        break;
      case CandidateSource.CONTEXT:
        reasons.push({
          kind: ReasonKind.GOES_WITH_CONTEXT,
          text: `Goes with ${quoted(first ? facts.items.get(first.id) : undefined)}.`,
          evidence: proposal.evidence
            .slice(0, 3)
            .map((e) => itemEvidence(facts.items.get(e.id), e.id)),
        });
        break;
      case CandidateSource.POPULARITY:
        reasons.push(popularReason(facts.items.get(itemId), facts.personalized));
        break;
      case CandidateSource.MOMENT:
        reasons.push({
          kind: ReasonKind.POPULAR,
          text: `Popular at this time of day in ${proposal.detail ?? 'this season'}.`,
          evidence: [],
        });
        break;
      case CandidateSource.KEYWORD:
        break;
    }
  }
  return reasons;
}

function interestReason(item: ItemFacts | undefined, interests: ReadonlySet<string>): Reason {
  const shared = [...(item?.keywords ?? []), ...(item?.categories ?? [])].filter((word) =>
    interests.has(word.toLowerCase()),
  );
  if (shared.length === 0) {
    return {
      kind: ReasonKind.MATCHES_INTERESTS,
      text: 'Close to what you have shown interest in.',
      evidence: [],
    };
  }
  const words = [...new Set(shared)].slice(0, 3);
  return {
    kind: ReasonKind.MATCHES_INTERESTS,
    text: `Matches your interest in ${words.join(', ')}.`,
    evidence: words.map((word) => ({ kind: EvidenceKind.KEYWORD, id: word })),
  };
}

function popularReason(item: ItemFacts | undefined, personalized: boolean): Reason {
  const category = item?.categories[0];
  if (!personalized) {
    return {
      kind: ReasonKind.PERSONALIZATION_OFF,
      text: 'Popular right now; personalization is off for this customer, so nothing of theirs was used.',
      evidence: [],
    };
  }
  return {
    kind: ReasonKind.POPULAR,
    text: category ? `Popular in ${category} right now.` : 'Popular right now.',
    evidence: category ? [{ kind: EvidenceKind.CATEGORY, id: category }] : [],
  };
}
