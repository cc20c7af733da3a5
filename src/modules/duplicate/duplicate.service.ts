import type { Postgres } from '../../datasources/postgres.js';
import { ErrorCode, GatewayError } from '../../errors.js';
import { OutboxStore } from '../../outbox/outbox.store.js';
import { MergeStore } from '../identity/merge.store.js';
import { recordedMerge } from '../identity/merge.service.js';
import type { WriteDeps } from '../module.js';
import { ErasedCustomerStore } from '../privacy/erased-customer.store.js';
import {
  DuplicateStore,
  type NewSuggestion,
  type StoredEvidence,
  type Suggestion,
} from './duplicate.store.js';
import { evidenceValue, type LinkageProfile } from './linkage.features.js';
import { DEFAULT_LINKAGE_OPTIONS, type LinkageOptions, linkPopulation } from './linkage.scan.js';

const PAGE = 5_000;

/** Pairs below this posterior are not stored: the model thinks them more likely two people. */
export const MIN_STORED_CONFIDENCE = 0.5;

export interface ScanSummary {
  customers: number;
  candidatePairs: number;
  suggestions: number;
  model: 'priors' | 'em';
  /** Fitted (or prior) share of candidate pairs that are one person. */
  lambda: number;
  durationMs: number;
}

/** Called as the scan reads customers (`done` of `total`) and once more when it scores. */
export type ScanProgress = (stage: 'read' | 'score' | 'store', done: number, total: number) => void;

/**
 * Reads every customer, finds candidate pairs by blocking, fits the linkage model and stores
 * the pairs at or above `minStoredConfidence` as open suggestions (replacing the last scan's).
 * Decided pairs are skipped: a rejected pair is never suggested again.
 */
export async function scanDuplicates(
  db: Postgres,
  minStoredConfidence: number,
  progress: ScanProgress = () => {},
  options: LinkageOptions = DEFAULT_LINKAGE_OPTIONS,
): Promise<ScanSummary> {
  const started = performance.now();
  const store = new DuplicateStore(db);
  const total = await store.countCustomers();
  const profiles: LinkageProfile[] = [];
  for (let page = await store.profilesPage(null, PAGE); page.length > 0;) {
    profiles.push(...page);
    progress('read', profiles.length, total);
    page = page.length < PAGE ? [] : await store.profilesPage(page.at(-1)!.id, PAGE);
  }
  const decided = await store.decidedPairs();
  const { model, pairs } = linkPopulation(profiles, options, (a, b) => decided.has(`${a} ${b}`));
  progress('score', pairs.length, pairs.length);
  const byId = new Map(profiles.map((p) => [p.id, p]));
  const kept: NewSuggestion[] = pairs
    .filter((pair) => pair.confidence >= minStoredConfidence)
    .map((pair) => {
      const [a, b] = [byId.get(pair.a)!, byId.get(pair.b)!];
      return {
        customerA: pair.a,
        customerB: pair.b,
        confidence: pair.confidence,
        matchWeight: pair.matchWeight,
        blockingKeys: pair.blockingKinds,
        evidence: pair.evidence.map((e): StoredEvidence => ({
          ...e,
          left: { customerId: a.id, value: evidenceValue(a, b, e.field) },
          right: { customerId: b.id, value: evidenceValue(b, a, e.field) },
        })),
      };
    });
  const suggestions = await db.withTransaction((tx) => new DuplicateStore(tx).replaceOpen(kept));
  progress('store', suggestions, kept.length);
  return {
    customers: profiles.length,
    candidatePairs: pairs.length,
    suggestions,
    model: model.source,
    lambda: model.lambda,
    durationMs: Math.round(performance.now() - started),
  };
}

/** Loads an open suggestion under lock, or says why it cannot be decided. */
async function lockOpen(store: DuplicateStore, id: string): Promise<Suggestion> {
  const suggestion = await store.lockById(id);
  if (suggestion === null) {
    throw new GatewayError(ErrorCode.NOT_FOUND, `no duplicate suggestion with id ${id}`, {
      extensions: { argument: 'id' },
    });
  }
  if (suggestion.status !== 'open') {
    throw new GatewayError(ErrorCode.CONFLICT, `this suggestion was ${suggestion.status} already`, {
      extensions: { argument: 'id', status: suggestion.status.toUpperCase() },
    });
  }
  return suggestion;
}

/** Remembers that the pair is two people: no scan suggests it again. */
export async function rejectSuggestion(
  db: Postgres,
  id: string,
  keyId: string | null,
): Promise<Suggestion> {
  return db.withTransaction(async (tx) => {
    const store = new DuplicateStore(tx);
    await lockOpen(store, id);
    return store.decide(id, 'rejected', keyId, null);
  });
}

/**
 * Merges the pair (the newer customer into the older), recording the suggestion and its
 * evidence as the merge's provenance, and marks the suggestion accepted; one transaction.
 *
 * @throws GatewayError NOT_FOUND (unknown id, or a customer merged away since), CONFLICT
 * (decided already), SUPPRESSED (a customer erased since).
 */
export async function acceptSuggestion(
  deps: WriteDeps,
  id: string,
  keyId: string | null,
): Promise<{ suggestion: Suggestion; mergeId: string }> {
  const result = await deps.db.withTransaction(async (tx) => {
    const store = new DuplicateStore(tx);
    const suggestion = await lockOpen(store, id);
    const pair = [suggestion.customerA, suggestion.customerB];
    const found = await new MergeStore(tx).lockCustomers(pair);
    const missing = pair.filter((customerId) => !found.has(customerId));
    if ((await new ErasedCustomerStore(tx).findErased(missing)).size > 0) {
      throw new GatewayError(ErrorCode.SUPPRESSED, 'a customer of this suggestion was erased', {
        extensions: { argument: 'id' },
      });
    }
    const order = await store.olderOf(suggestion.customerA, suggestion.customerB);
    if (missing.length > 0 || order === null) {
      throw new GatewayError(
        ErrorCode.NOT_FOUND,
        'a customer of this suggestion no longer exists (merged since)',
        { extensions: { argument: 'id' } },
      );
    }
    const { mergeId, messages } = await recordedMerge(tx, order.newer, order.older, {
      cause: 'suggestion',
      suggestionId: id,
      evidence: suggestion.evidence,
      apiKeyId: keyId,
    });
    await new OutboxStore(tx).add(messages);
    return { suggestion: await store.decide(id, 'accepted', keyId, mergeId), mergeId };
  });
  deps.relay.wake();
  return result;
}
