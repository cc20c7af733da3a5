import { randomUUID } from 'node:crypto';

import type { Backends } from '../../src/backends.js';
import { CLAIM_LOCK, OutboxStore } from '../../src/outbox/outbox.store.js';
import type { Relationship } from '../../src/modules/relationship/relationship.kinds.js';
import {
  FitRecommendationModelsDocument,
  LinkRelationshipsDocument,
  UpsertCustomerDocument,
  UpsertProductsDocument,
} from '../__generated__/graphql.js';
import { execute } from './graphql-client.js';
import { until } from './until.js';

export interface SeededCustomer {
  id: string;
  displayName: string;
}

/** Creates a customer through the public mutation, with a fresh id. */
export async function seedCustomer(
  url: string,
  displayName: string,
  interests: string[],
): Promise<SeededCustomer> {
  const id = randomUUID();
  const result = await execute(url, UpsertCustomerDocument, {
    input: { id, displayName, email: `${id}@example.com`, traits: { interests } },
  });
  if (result.errors) {
    throw new Error(`seeding ${displayName} failed: ${JSON.stringify(result.errors)}`);
  }
  return { id, displayName };
}

/**
 * Relates customers through the public `linkRelationships` mutation, as a client would, and
 * waits until the relay has brought the graph in line (the outbox is empty).
 */
export async function seedFamily(
  gateway: { url: string; backends: Backends },
  edges: readonly { type: Relationship; from: SeededCustomer; to: SeededCustomer }[],
): Promise<void> {
  const result = await execute(gateway.url, LinkRelationshipsDocument, {
    input: edges.map((edge) => ({ type: edge.type, fromId: edge.from.id, toId: edge.to.id })),
  });
  if (result.errors || result.data!.linkRelationships.rejected > 0) {
    throw new Error(`seeding relationships failed: ${JSON.stringify(result)}`);
  }
  await relayed(gateway.backends);
}

/** Resolves once the relay has applied every outbox message (the graph is in line). */
export async function relayed(backends: Backends): Promise<void> {
  const outbox = new OutboxStore(backends.postgres);
  const backlog = await until(
    () => outbox.backlog(),
    (b) => b.pending === 0,
    30_000,
  );
  if (backlog.pending > 0) {
    const { rows } = await backends.postgres.query<{ topic: string; last_error: string | null }>(
      'SELECT topic, last_error FROM outbox ORDER BY id LIMIT 3',
    );
    throw new Error(
      `the relay left ${backlog.pending} outbox messages unapplied: ${JSON.stringify(rows)}`,
    );
  }
}

/**
 * Holds the outbox's main lane until `release()`: its relays wait for the lock their claim
 * takes, so nothing written meanwhile is applied by the followers of that lane (the graph,
 * preference vectors, the customer feed...). For checking what a write gives without them.
 */
export async function holdMainLane(backends: Backends): Promise<{ release(): Promise<void> }> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const held = new Promise<void>((resolve) => (locked = resolve));
  const holding = backends.postgres.withTransaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${CLAIM_LOCK})`);
    locked();
    await released;
  });
  await Promise.race([held, holding]);
  return {
    release: async () => {
      release();
      await holding;
    },
  };
}

/** Removes the test's customers (and their edges) from the shared test graph. */
export async function removeFromGraph(backends: Backends, ids: readonly string[]): Promise<void> {
  await backends.graph.write('test.removeCustomers', (tx) =>
    tx.run('UNWIND $ids AS id MATCH (c:Customer {id: id}) DETACH DELETE c', { ids }),
  );
}

/**
 * Gives interest words a meaning: preference vectors come from a text model fitted on the
 * catalogue, so a word no product mentions embeds to nothing. Stores one product per word
 * (plus one unrelated, so no word is in most of them) and fits the models.
 */
export async function seedVocabulary(
  gateway: { url: string; backends: Backends },
  words: readonly string[],
): Promise<void> {
  const tag = randomUUID().slice(0, 8);
  const stored = await execute(gateway.url, UpsertProductsDocument, {
    input: [...words, 'unrelated filler'].map((word, i) => ({
      sku: `VOCAB-${tag}-${i}`,
      name: `About ${word}`,
      keywords: [word],
    })),
  });
  const fit = await execute(gateway.url, FitRecommendationModelsDocument, {});
  if (stored.errors || fit.errors) {
    throw new Error(
      `seeding the vocabulary failed: ${JSON.stringify([stored.errors, fit.errors])}`,
    );
  }
  await relayed(gateway.backends);
}
