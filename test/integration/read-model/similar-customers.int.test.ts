import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  CustomerProfileDocument,
  FitRecommendationModelsDocument,
  SetConsentDocument,
  TrackDocument,
  UpsertCustomerDocument,
  UpsertProductsDocument,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { documentsServable } from '../../support/read-model.js';
import { recordRequestStatements } from '../../support/request-statements.js';
import { relayed } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { until } from '../../support/until.js';

/**
 * Similar customers held in 360 documents. Three gateways on one database: `projected` serves
 * a document's list for an hour after its build, `brief` for one second, `live` never reads
 * documents. The customer's own change and a listed customer withdrawing show at once; a
 * customer who comes nearer shows once the list has aged.
 */
describe('customer 360 read model: similar customers', () => {
  let projected: TestApp;
  let brief: TestApp;
  let live: TestApp;
  let statementsOf: ReturnType<typeof recordRequestStatements>;
  let wineSku: string;
  let cyclist: string, rider: string, jazzFan: string;

  before(async () => {
    projected = await createTestApp({ env: { READ_MODEL_SIMILAR_MAX_AGE_S: '3600' } });
    const tag = randomUUID().slice(0, 8);
    const products = await execute(projected.url, UpsertProductsDocument, {
      input: [
        { sku: `BIKE-${tag}`, name: 'Road bike', keywords: ['cycling', 'bike'] },
        { sku: `VINYL-${tag}`, name: 'Jazz vinyl', keywords: ['jazz', 'music'] },
        { sku: `WINE-${tag}`, name: 'Red wine', keywords: ['wine', 'drinks'] },
      ],
    });
    assert.equal(products.errors, undefined, JSON.stringify(products.errors));
    wineSku = `WINE-${tag}`;
    const fit = await execute(projected.url, FitRecommendationModelsDocument, {});
    assert.equal(fit.errors, undefined, JSON.stringify(fit.errors));
    // Started after the fit, so they serve the same model from the start.
    brief = await createTestApp({
      database: projected.database,
      env: { READ_MODEL_SIMILAR_MAX_AGE_S: '1' },
    });
    live = await createTestApp({ database: projected.database, env: { READ_MODEL: 'off' } });
    statementsOf = recordRequestStatements(projected.backends.postgres, projected.app.httpServer);
    cyclist = await customer('Cyclist', ['cycling', 'jazz']);
    rider = await customer('Rider', ['cycling', 'wine']);
    jazzFan = await customer('Jazz Fan', ['jazz']);
  });

  after(async () => {
    await live?.stop();
    await brief?.stop();
    await projected?.stop();
  });

  const customer = async (name: string, interests: string[]) => {
    const id = randomUUID();
    const result = await execute(projected.url, UpsertCustomerDocument, {
      input: {
        id,
        displayName: name,
        identities: [{ type: 'USER_ID', value: `user-${id}` }],
        traits: { interests },
      },
    });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return id;
  };

  const similarTo = async (app: TestApp, id: string) => {
    const result = await execute(app.url, CustomerProfileDocument, { id, similar: 5 });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return result.data!.customer!.similarCustomers!;
  };

  /** The outbox is empty and these customers' documents are built and servable. */
  const settled = async (ids: readonly string[]) => {
    await relayed(projected.backends);
    for (const id of ids) {
      await similarTo(projected, id);
    }
    return documentsServable(projected.backends, ids);
  };

  const purchase = async (id: string, sku: string) => {
    const result = await execute(projected.url, TrackDocument, {
      event: {
        messageId: randomUUID(),
        identity: { type: 'USER_ID', value: `user-${id}` },
        type: 'PURCHASE',
        properties: { sku },
      },
    });
    assert.equal(result.data?.track.status, 'CREATED', JSON.stringify(result));
    await relayed(projected.backends);
  };

  it('answers from the document as the live search does, with no search', async () => {
    await settled([cyclist, rider, jazzFan]);

    const { result, statements } = await statementsOf.during(() => similarTo(projected, cyclist));

    assert.deepEqual(result, await similarTo(live, cyclist));
    assert.deepEqual(result.map((s) => s.customer?.displayName).sort(), ['Jazz Fan', 'Rider']);
    assert.ok(statements.includes('read-model.loadFresh'));
    assert.deepEqual(
      statements.filter((name) => name.startsWith('vectors.') || name.startsWith('customer.')),
      [],
    );
  });

  it('shows at once the scores of a customer whose own vector changed', async () => {
    await settled([cyclist]);
    const before = await similarTo(projected, cyclist);

    // The cyclist's purchase changes the cyclist's vector, and so every similarity.
    await purchase(cyclist, wineSku);

    const after = await similarTo(projected, cyclist);
    assert.deepEqual(after, await similarTo(live, cyclist));
    const score = (list: typeof before) => list.find((s) => s.customer?.id === rider)?.score;
    assert.notEqual(score(after), score(before));
  });

  it('drops at once a neighbour whose vector is gone (personalization withdrawn)', async () => {
    await settled([cyclist]);
    assert.ok((await similarTo(projected, cyclist)).some((s) => s.customer?.id === jazzFan));

    const withdrawn = await execute(projected.url, SetConsentDocument, {
      customerId: jazzFan,
      purpose: 'PERSONALIZATION',
      granted: false,
    });
    assert.equal(withdrawn.errors, undefined, JSON.stringify(withdrawn.errors));
    await relayed(projected.backends);

    const after = await similarTo(projected, cyclist);
    assert.deepEqual(after, await similarTo(live, cyclist));
    assert.ok(!after.some((s) => s.customer?.id === jazzFan));
  });

  it('shows a customer who came nearer once the list is older than its maximum age', async () => {
    const built = (await settled([cyclist])).get(cyclist)!;
    const newcomer = await customer('Cycling Newcomer', ['cycling', 'jazz']);
    await relayed(projected.backends);
    assert.ok((await similarTo(live, cyclist)).some((s) => s.customer?.id === newcomer));

    // Served for up to a second after the build, then searched live and rebuilt: from then
    // on the document holds the newcomer.
    const seen = await until(
      () => similarTo(brief, cyclist),
      (list) => list.some((s) => s.customer?.id === newcomer),
      30_000,
    );
    assert.deepEqual(seen, await similarTo(live, cyclist));
    // `brief` marked the document: wait for its rebuild, not the document it replaces.
    await documentsServable(projected.backends, [cyclist], (at) => at > built);
    const { result, statements } = await statementsOf.during(() => similarTo(projected, cyclist));
    assert.deepEqual(result, seen);
    assert.ok(!statements.some((name) => name.startsWith('vectors.')));
  });
});
