import { DIRECTED_RELATIONSHIPS } from '../relationship/relationship.kinds.js';
import type { GraphEdge } from './merge-record.graph.js';

/*
 * What undoing a merge gives back, decided without I/O (unit-tested): the survivor's profile
 * and consents where the merge combined them, and the graph edges to put back or take away.
 */

export interface ProfileSnapshot {
  email: string | null;
  traits: Record<string, unknown>;
  interest_keywords: string[];
}

export interface ConsentSnapshot {
  purpose: string;
  granted: boolean;
  source: string | null;
  updated_at: string;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The survivor's profile with what the merge brought in taken out again, where it is still as
 * the merge left it: a trait key the survivor lacked and that still holds the merged value, the
 * merged e-mail filling an empty one, the merged interest keywords it lacked. Anything changed
 * since the merge is the survivor's now and stays.
 */
export function restoredSurvivorProfile(
  before: ProfileSnapshot,
  merged: ProfileSnapshot,
  current: ProfileSnapshot,
): ProfileSnapshot {
  const traits = Object.fromEntries(
    Object.entries(current.traits).filter(
      ([key, value]) =>
        key in before.traits || !(key in merged.traits) || !same(merged.traits[key], value),
    ),
  );
  const email =
    before.email === null && merged.email !== null && current.email === merged.email
      ? null
      : current.email;
  const broughtIn = new Set(
    merged.interest_keywords.filter((k) => !before.interest_keywords.includes(k)),
  );
  return {
    email,
    traits,
    interest_keywords: current.interest_keywords.filter((k) => !broughtIn.has(k)),
  };
}

/**
 * The survivor's consent answers to put back: where the merge overwrote one with the merged
 * customer's newer answer and it is still that answer, the survivor's own (null: it had none,
 * so the row goes).
 */
export function survivorConsentsToRestore(
  before: readonly ConsentSnapshot[],
  merged: readonly ConsentSnapshot[],
  current: readonly ConsentSnapshot[],
): { purpose: string; restore: ConsentSnapshot | null }[] {
  const key = (c: ConsentSnapshot) => [c.granted, c.source, new Date(c.updated_at).getTime()];
  return merged.flatMap((answer) => {
    const now = current.find((c) => c.purpose === answer.purpose);
    if (now === undefined || !same(key(now), key(answer))) {
      return [];
    }
    const own = before.find((c) => c.purpose === answer.purpose) ?? null;
    return own !== null && same(key(own), key(answer))
      ? []
      : [{ purpose: answer.purpose, restore: own }];
  });
}

const edgeKey = (e: GraphEdge) =>
  DIRECTED_RELATIONSHIPS.has(e.type)
    ? `${e.type} ${e.from} ${e.to}`
    : `${e.type} ${[e.from, e.to].sort().join(' ')}`;

/**
 * The merged customer's edges come back as they were; the survivor loses each edge the merge
 * re-pointed to it that it did not already have (edges between the two were dropped by the
 * merge and come back with the merged customer's).
 */
export function edgeChanges(
  mergedId: string,
  survivorId: string,
  mergedEdges: readonly GraphEdge[],
  survivorEdges: readonly GraphEdge[],
): { link: GraphEdge[]; unlink: GraphEdge[] } {
  const had = new Set(survivorEdges.map(edgeKey));
  const swap = (id: string) => (id === mergedId ? survivorId : id);
  const unlink = new Map<string, GraphEdge>();
  for (const edge of mergedEdges) {
    if (edge.from === survivorId || edge.to === survivorId) {
      continue;
    }
    const moved = { type: edge.type, from: swap(edge.from), to: swap(edge.to) };
    if (!had.has(edgeKey(moved))) {
      unlink.set(edgeKey(moved), moved);
    }
  }
  const link = new Map(mergedEdges.map((e) => [edgeKey(e), e]));
  return { link: [...link.values()], unlink: [...unlink.values()] };
}
