import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  AcceptDuplicateSuggestionDocument,
  CreateApiKeyDocument,
  CustomerIdentityViewDocument,
  CustomerMergesDocument,
  DuplicateSuggestionsDocument,
  RejectDuplicateSuggestionDocument,
  ScanDuplicatesDocument,
  UnmergeCustomersDocument,
  UpsertCustomerDocument,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { relayed, removeFromGraph } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

describe('Query.duplicateSuggestions', () => {
  let gateway: TestApp;
  const ids: Record<string, string> = {};

  const seed = async (
    key: string,
    displayName: string,
    traits: Record<string, unknown>,
    email?: string,
  ) => {
    const id = randomUUID();
    const result = await execute(gateway.url, UpsertCustomerDocument, {
      input: {
        id,
        displayName,
        traits,
        ...(email === undefined ? {} : { identities: [{ type: 'EMAIL' as const, value: email }] }),
      },
    });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    ids[key] = id;
  };
  const scan = async () => {
    const result = await execute(gateway.url, ScanDuplicatesDocument, {});
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return result.data!.scanDuplicateSuggestions;
  };
  const suggestions = async (options: { apiKey?: string } = {}) => {
    const result = await execute(
      gateway.url,
      DuplicateSuggestionsDocument,
      { first: 20, minConfidence: 0.5 },
      options,
    );
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return result.data!.duplicateSuggestions.edges.map((e) => e.node);
  };
  const pairOf = (a: string, b: string) => [ids[a]!, ids[b]!].sort().join(' ');
  const pairs = async () => new Set((await suggestions()).map((s) => s.customerIds.join(' ')));

  before(async () => {
    gateway = await createTestApp();
    // Created in this order: the first of each pair is the older one.
    await seed('ada', 'Ada Lovelace', { postcode: 'N1 6QX' }, 'ada.lovelace@example.com');
    await seed('ada2', 'Lovelace Ada', { postcode: 'n16qx' }, 'adalovelace+shop@other.org');
    await seed('grace', 'Grace Hopper', { phone: '+1 212 555 0134', postcode: '10001' });
    await seed('grace2', 'Grace Hoper', { phone: '(212) 555-0134', postcode: '10001' });
    // One household: a shared television and address, two people.
    await seed('alan', 'Alan Turing', { deviceId: 'tv-1', postcode: 'SW1A 1AA' });
    await seed('ethel', 'Ethel Turing', { deviceId: 'tv-1', postcode: 'SW1A 1AA' });
    await seed('other', 'Someone Else', { postcode: 'N1 6QX' }, 'someone@example.com');
  });

  after(async () => {
    await relayed(gateway.backends);
    await removeFromGraph(gateway.backends, Object.values(ids));
    await gateway.stop();
  });

  it('suggests the generated duplicates (swapped names, another domain, a typo) and not the household', async () => {
    const summary = await scan();

    assert.equal(summary.customers, 7);
    assert.equal(summary.model, 'priors', 'seven customers are too few to fit');
    assert.deepEqual(await pairs(), new Set([pairOf('ada', 'ada2'), pairOf('grace', 'grace2')]));
    const ada = (await suggestions()).find(
      (s) => s.customerIds.join(' ') === pairOf('ada', 'ada2'),
    )!;
    assert.ok(ada.confidence > 0.99, String(ada.confidence));
    assert.deepEqual(new Set(ada.blockingKeys), new Set(['email', 'name']));
    assert.deepEqual(
      ada.evidence.map((e) => [e.field, e.level]),
      [
        ['name', 'exact'],
        ['emailLocal', 'exact'],
        ['postcode', 'exact'],
      ],
    );
    const email = ada.evidence.find((e) => e.field === 'emailLocal')!;
    assert.deepEqual([email.left.value, email.right.value], ['adalovelace', 'adalovelace']);
    assert.deepEqual(
      new Set(ada.customers.map((c) => c.displayName)),
      new Set(['Ada Lovelace', 'Lovelace Ada']),
    );
  });

  it('masks the evidence values for a key without READ_PII, keeping levels and weights', async () => {
    const key = await execute(gateway.url, CreateApiKeyDocument, {
      name: `read ${randomUUID()}`,
      scopes: ['READ'],
    });
    const masked = await suggestions({ apiKey: key.data!.createApiKey.key });

    assert.ok(masked.length > 0);
    for (const evidence of masked.flatMap((s) => s.evidence)) {
      assert.equal(evidence.left.value, '•••');
      assert.equal(evidence.right.value, '•••');
      assert.equal(typeof evidence.weight, 'number');
    }
  });

  it('remembers a rejection: the pair is never suggested again, and cannot be decided twice', async () => {
    await scan();
    const grace = (await suggestions()).find(
      (s) => s.customerIds.join(' ') === pairOf('grace', 'grace2'),
    )!;

    const rejected = await execute(gateway.url, RejectDuplicateSuggestionDocument, {
      id: grace.id,
    });
    assert.equal(rejected.errors, undefined, JSON.stringify(rejected.errors));
    await scan();

    assert.equal((await pairs()).has(pairOf('grace', 'grace2')), false);
    const again = await execute(gateway.url, RejectDuplicateSuggestionDocument, { id: grace.id });
    assert.equal(again.errors?.[0]?.extensions?.['code'], 'CONFLICT');
  });

  it('accepts a suggestion: the newer customer is merged into the older, with the evidence as provenance', async () => {
    await scan();
    const ada = (await suggestions()).find(
      (s) => s.customerIds.join(' ') === pairOf('ada', 'ada2'),
    )!;

    const accepted = await execute(gateway.url, AcceptDuplicateSuggestionDocument, { id: ada.id });

    assert.equal(accepted.errors, undefined, JSON.stringify(accepted.errors));
    const { customerId, merge } = accepted.data!.acceptDuplicateSuggestion;
    assert.equal(customerId, ids['ada']);
    assert.equal(merge.survivorId, ids['ada']);
    assert.equal(merge.mergedId, ids['ada2']);
    assert.equal(merge.cause, 'SUGGESTION');
    assert.equal(merge.suggestionId, ada.id);
    assert.notEqual(merge.apiKeyId, null);
    assert.deepEqual(
      merge.evidence.map((e) => e.field),
      ['name', 'emailLocal', 'postcode'],
    );
    const survivor = await execute(gateway.url, CustomerIdentityViewDocument, { id: ids['ada2']! });
    assert.equal(survivor.data?.customer?.id, ids['ada'], 'the merged id resolves to the survivor');
    assert.equal((await pairs()).has(pairOf('ada', 'ada2')), false);
    const twice = await execute(gateway.url, AcceptDuplicateSuggestionDocument, { id: ada.id });
    assert.equal(twice.errors?.[0]?.extensions?.['code'], 'CONFLICT');
  });

  it('undoes an accepted suggestion: the merged customer is back, and the decided pair is not suggested again', async () => {
    const merges = await execute(gateway.url, CustomerMergesDocument, { id: ids['ada']! });
    const merge = merges.data!.customer!.merges.find((m) => m.mergedId === ids['ada2'])!;
    await relayed(gateway.backends);

    const undone = await execute(gateway.url, UnmergeCustomersDocument, { mergeId: merge.id });

    assert.equal(undone.errors, undefined, JSON.stringify(undone.errors));
    await scan();
    const back = await execute(gateway.url, CustomerIdentityViewDocument, { id: ids['ada2']! });
    assert.equal(back.data?.customer?.id, ids['ada2']);
    assert.equal((await pairs()).has(pairOf('ada', 'ada2')), false);
  });

  it('answers NOT_FOUND for an unknown suggestion and BAD_USER_INPUT for a malformed id or threshold', async () => {
    const unknown = await execute(gateway.url, AcceptDuplicateSuggestionDocument, {
      id: randomUUID(),
    });
    const malformed = await execute(gateway.url, RejectDuplicateSuggestionDocument, { id: 'x' });
    const threshold = await execute(gateway.url, DuplicateSuggestionsDocument, {
      first: 5,
      minConfidence: 1.5,
    });

    assert.equal(unknown.errors?.[0]?.extensions?.['code'], 'NOT_FOUND');
    assert.equal(malformed.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    assert.equal(threshold.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
  });
});
