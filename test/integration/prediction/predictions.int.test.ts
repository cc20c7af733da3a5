import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  CustomerPredictionsDocument,
  DefineSegmentDocument,
  FitPredictionModelsDocument,
  SegmentStateDocument,
  TrackBatchDocument,
  UpsertCustomerDocument,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { documentsServable } from '../../support/read-model.js';
import { recordRequestStatements } from '../../support/request-statements.js';
import { relayed } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { until } from '../../support/until.js';

const DAY = 86_400_000;

describe('predictions', () => {
  let gateway: TestApp;
  const regulars: string[] = [];
  const lapsed: string[] = [];

  /** A customer with purchases `daysAgo` (each a purchase day) of `total` each. */
  const buyer = async (name: string, daysAgo: readonly number[], total: number) => {
    const id = randomUUID();
    const email = `${id}@example.com`;
    const created = await execute(gateway.url, UpsertCustomerDocument, {
      input: { id, displayName: name, identities: [{ type: 'EMAIL', value: email }] },
    });
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    const tracked = await execute(gateway.url, TrackBatchDocument, {
      events: daysAgo.map((ago) => ({
        messageId: randomUUID(),
        identity: { type: 'EMAIL' as const, value: email },
        type: 'PURCHASE' as const,
        properties: { total },
        occurredAt: new Date(Date.now() - ago * DAY).toISOString(),
      })),
    });
    assert.equal(tracked.data?.trackBatch.created, daysAgo.length, JSON.stringify(tracked));
    return id;
  };

  const predictionsOf = async (id: string, horizonDays = 30) => {
    const result = await execute(gateway.url, CustomerPredictionsDocument, { id, horizonDays });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return result.data!.customer!.predictions;
  };

  before(async () => {
    gateway = await createTestApp({ env: { SEGMENT_TICK_SECONDS: '1' } });
    // Regulars buy every 15 to 99 days up to now; the lapsed bought as often, then stopped
    // 200 to 312 days ago; others bought once. Rates and spend differ, as real buyers' do
    // (a population where everyone buys alike has no heterogeneity to fit).
    const every = (from: number, to: number, step: number) =>
      Array.from({ length: Math.floor((from - to) / step) + 1 }, (_, k) => from - k * step);
    for (let i = 0; i < 15; i += 1) {
      regulars.push(
        await buyer(`Regular ${i}`, every(300, 2 + i, 15 + 6 * i), 30 + 25 * (i % 5) + i),
      );
      lapsed.push(
        await buyer(`Lapsed ${i}`, every(360, 200 + 8 * i, 20 + 4 * i), 15 + 40 * (i % 4)),
      );
    }
    for (let i = 0; i < 10; i += 1) {
      await buyer(`Once ${i}`, [20 * i + 5], 15);
    }
    await relayed(gateway.backends);
  });

  after(async () => {
    await gateway.stop();
  });

  it('fits BG/NBD and Gamma-Gamma by maximum likelihood, with standard errors', async () => {
    const fitted = await execute(gateway.url, FitPredictionModelsDocument, {});
    assert.equal(fitted.errors, undefined, JSON.stringify(fitted.errors));
    const model = fitted.data!.fitPredictionModels.model!;
    assert.equal(model.customers, 40);
    assert.equal(fitted.data!.fitPredictionModels.scored, 40);
    const bgnbd = model.bgnbd as { converged: boolean; standardErrors: Record<string, number> };
    assert.ok(bgnbd.converged);
    assert.ok(Object.values(bgnbd.standardErrors).every((se) => se > 0));
    assert.ok(model.gammaGamma !== null, 'enough repeat buyers with a purchase value');
  });

  it('scores a regular as likely active and a lapsed buyer as a churn risk', async () => {
    const regular = (await predictionsOf(regulars[0]!))!;
    const gone = (await predictionsOf(lapsed[0]!))!;
    assert.ok(regular.pAlive > gone.pAlive, `${regular.pAlive} > ${gone.pAlive}`);
    assert.ok(gone.churnRisk > 0.5, `lapsed churn risk ${gone.churnRisk}`);
    assert.ok(regular.expectedPurchases! > gone.expectedPurchases!);
    assert.ok(regular.clv! > gone.clv!, 'a regular who spends more is worth more');
    assert.ok(regular.rfm.recency > gone.rfm.recency);
    const recency = gone.topFactors.find((f) => f.factor === 'daysSinceLastPurchase');
    assert.match(recency?.effect ?? '', /raises churn risk/);
  });

  it('rescores a customer as their purchases arrive, and segments read the scores', async () => {
    const segment = await execute(gateway.url, DefineSegmentDocument, {
      input: {
        key: `churning-${randomUUID().slice(0, 8)}`,
        name: 'Likely churning',
        rule: { prediction: { measure: 'CHURN_RISK', op: 'GREATER_THAN', value: 0.5 } },
      },
    });
    assert.equal(segment.errors, undefined, JSON.stringify(segment.errors));
    const id = segment.data!.defineSegment.id;
    const members = async () =>
      new Set(
        (await execute(gateway.url, SegmentStateDocument, { id })).data!.segment!.members.edges.map(
          (e) => e.node.customerId,
        ),
      );
    const built = await until(members, (m) => m.has(lapsed[1]!), 20_000);
    assert.ok(built.has(lapsed[1]!) && !built.has(regulars[1]!));

    const before = (await predictionsOf(lapsed[1]!))!;
    const tracked = await execute(gateway.url, TrackBatchDocument, {
      events: [
        {
          messageId: randomUUID(),
          identity: { type: 'EMAIL' as const, value: `${lapsed[1]!}@example.com` },
          type: 'PURCHASE' as const,
          properties: { total: 25 },
        },
      ],
    });
    assert.equal(tracked.data?.trackBatch.created, 1);
    await relayed(gateway.backends);
    const afterPurchase = (await predictionsOf(lapsed[1]!))!;
    assert.ok(afterPurchase.pAlive > before.pAlive, 'buying again makes them likely active');
    assert.equal(afterPurchase.repeatPurchases, before.repeatPurchases + 1);
    assert.ok(!(await members()).has(lapsed[1]!), 'and takes them out of the churn segment');
  });

  it('refuses a horizon out of range', async () => {
    const result = await execute(gateway.url, CustomerPredictionsDocument, {
      id: regulars[0]!,
      horizonDays: 0,
    });
    assert.equal(result.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
  });

  it('serves predictions from the 360 read model as the live path does, and a refit at once', async () => {
    // The same database without the read model. expectedPurchases is left out of the
    // comparison: each instance keeps the current model for a while after a refit.
    const live = await createTestApp({ database: gateway.database, env: { READ_MODEL: 'off' } });
    const stored = async (app: TestApp, id: string) => {
      const result = await execute(app.url, CustomerPredictionsDocument, { id });
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      const { expectedPurchases: _, ...rest } = result.data!.customer!.predictions!;
      return rest;
    };
    try {
      const id = regulars[2]!;
      await stored(gateway, id); // a first read asks for the customer's document
      await documentsServable(gateway.backends, [id]);
      const statementsOf = recordRequestStatements(
        gateway.backends.postgres,
        gateway.app.httpServer,
      );

      const { result, statements } = await statementsOf.during(() => stored(gateway, id));
      assert.deepEqual(result, await stored(live, id));
      assert.ok(statements.includes('read-model.loadFresh'));
      assert.ok(!statements.includes('prediction.scoresOf'), statements.join(', '));

      const refit = await execute(gateway.url, FitPredictionModelsDocument, {});
      assert.equal(refit.errors, undefined, JSON.stringify(refit.errors));
      const afterRefit = await stored(gateway, id);
      assert.deepEqual(afterRefit, await stored(live, id));
      assert.notEqual(afterRefit.computedAt, result.computedAt);
    } finally {
      await live.stop();
    }
  });
});
