import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import pg from 'pg';

import {
  EraseCustomerDocument,
  IdentifyDocument,
  LinkRelationshipDocument,
  LinkRelationshipsDocument,
  MergeCustomersDocument,
  SetConsentDocument,
  TargetCampaignDocument,
  TrackDocument,
  UnlinkRelationshipDocument,
  UpsertCampaignDocument,
  UpsertCustomerDocument,
  UpsertCustomersDocument,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { relayed, removeFromGraph, type SeededCustomer, seedCustomer } from '../../support/seed.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { until } from '../../support/until.js';

describe('an erased customer stays erased', () => {
  let gateway: TestApp;
  let campaignId: string;
  const graphIds: string[] = [];

  before(async () => {
    gateway = await createTestApp();
    const campaign = await execute(gateway.url, UpsertCampaignDocument, {
      input: { externalId: `erasure-${randomUUID()}`, name: 'Erasure check', channel: 'EMAIL' },
    });
    campaignId = campaign.data!.upsertCampaign.id;
  });

  after(async () => {
    await removeFromGraph(gateway.backends, graphIds);
    await gateway.stop();
  });

  const seed = async (name: string) => {
    const customer = await seedCustomer(gateway.url, name, []);
    graphIds.push(customer.id);
    return customer;
  };
  const erase = async (id: string) => {
    const result = await execute(gateway.url, EraseCustomerDocument, { id });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
  };
  const codeOf = (result: { errors?: readonly { extensions?: Record<string, unknown> }[] }) =>
    result.errors?.[0]?.extensions?.['code'];
  const stored = async (where: string, value: string) =>
    (await gateway.backends.postgres.query(`SELECT 1 FROM customers WHERE ${where}`, [value]))
      .rowCount;
  const graphNodes = async (id: string) =>
    (
      await gateway.backends.graph.read('test.erasedNode', (tx) =>
        tx.run('MATCH (c:Customer {id: $id}) RETURN c', { id }),
      )
    ).records.length;

  it('upsertCustomer refuses the erased id with SUPPRESSED instead of creating the customer again', async () => {
    const subject = await seed('Erin');
    await erase(subject.id);

    const again = await execute(gateway.url, UpsertCustomerDocument, {
      input: { id: subject.id.toUpperCase(), displayName: 'Erin, back again' },
    });

    assert.equal(codeOf(again), 'SUPPRESSED');
    assert.equal(again.data, null);
    assert.equal(await stored('id = $1', subject.id), 0);
  });

  it('refuses the erased contact e-mail in upserts, identify and track, however it is spelt, even when it was never an identity', async () => {
    const email = `${randomUUID()}@example.com`;
    const created = await execute(gateway.url, UpsertCustomerDocument, {
      input: { displayName: 'Ed', email },
    });
    await erase(created.data!.upsertCustomer.id);

    const again = await execute(gateway.url, UpsertCustomerDocument, {
      input: { displayName: 'Ed again', email: email.toUpperCase() },
    });
    const asIdentity = await execute(gateway.url, UpsertCustomerDocument, {
      input: { displayName: 'Ed, by identity', identities: [{ type: 'EMAIL', value: email }] },
    });
    const identified = await execute(gateway.url, IdentifyDocument, {
      input: { anonymousId: randomUUID(), identity: { type: 'EMAIL', value: email } },
    });
    const tracked = await execute(gateway.url, TrackDocument, {
      event: { messageId: randomUUID(), identity: { type: 'EMAIL', value: email }, type: 'VIEW' },
    });

    assert.deepEqual([again, asIdentity, identified, tracked].map(codeOf), [
      'SUPPRESSED',
      'SUPPRESSED',
      'SUPPRESSED',
      'SUPPRESSED',
    ]);
    assert.equal(await stored('lower(email) = $1', email), 0);
  });

  it('upsertCustomer refuses an e-mail erased as an identity when it comes back as the contact field', async () => {
    const email = `${randomUUID()}@example.com`;
    const created = await execute(gateway.url, UpsertCustomerDocument, {
      input: { displayName: 'Ida', identities: [{ type: 'EMAIL', value: email }] },
    });
    await erase(created.data!.upsertCustomer.id);

    const again = await execute(gateway.url, UpsertCustomerDocument, {
      input: { displayName: 'Ida again', email },
    });

    assert.equal(codeOf(again), 'SUPPRESSED');
    assert.equal(await stored('lower(email) = $1', email), 0);
  });

  it('upsertCustomers rejects erased ids and e-mails item by item and stores the rest', async () => {
    const byId = await seed('Una');
    const email = `${randomUUID()}@example.com`;
    const byEmail = await execute(gateway.url, UpsertCustomerDocument, {
      input: { displayName: 'Vic', email },
    });
    await erase(byId.id);
    await erase(byEmail.data!.upsertCustomer.id);
    const fresh = randomUUID();

    const batch = await execute(gateway.url, UpsertCustomersDocument, {
      input: [
        { id: byId.id, displayName: 'Una again' },
        { displayName: 'Vic again', email },
        { id: fresh, displayName: 'Wes', email: `${fresh}@example.com` },
      ],
    });

    assert.deepEqual(
      batch.data?.upsertCustomers.results.map((r) => [r.status, r.error?.code ?? null, r.id]),
      [
        ['REJECTED', 'SUPPRESSED', null],
        ['REJECTED', 'SUPPRESSED', null],
        ['CREATED', null, fresh],
      ],
    );
    assert.equal(batch.data?.upsertCustomers.rejected, 2);
    assert.equal(await stored('id = $1', byId.id), 0);
    graphIds.push(fresh);
  });

  it('answers SUPPRESSED to every other write naming an erased customer, and writes nothing', async () => {
    const erased = await seed('Xena');
    const alive = await seed('Yuri');
    await erase(erased.id);
    const pair = { fromId: erased.id, toId: alive.id, type: 'SIBLING_OF' as const };

    const link = await execute(gateway.url, LinkRelationshipDocument, pair);
    const unlink = await execute(gateway.url, UnlinkRelationshipDocument, pair);
    const links = await execute(gateway.url, LinkRelationshipsDocument, {
      input: [{ ...pair, fromId: alive.id, toId: erased.id }, pair],
    });
    const targeted = await execute(gateway.url, TargetCampaignDocument, {
      campaignId,
      customerIds: [erased.id, alive.id],
    });
    const mergedAway = await execute(gateway.url, MergeCustomersDocument, {
      survivorId: alive.id,
      mergedId: erased.id,
    });
    const mergedInto = await execute(gateway.url, MergeCustomersDocument, {
      survivorId: erased.id,
      mergedId: alive.id,
    });
    const consent = await execute(gateway.url, SetConsentDocument, {
      customerId: erased.id,
      purpose: 'MARKETING',
      granted: true,
    });

    assert.deepEqual([link, unlink, mergedAway, mergedInto, consent].map(codeOf), [
      'SUPPRESSED',
      'SUPPRESSED',
      'SUPPRESSED',
      'SUPPRESSED',
      'SUPPRESSED',
    ]);
    assert.deepEqual(
      links.data?.linkRelationships.results.map((r) => [r.status, r.error?.code]),
      [
        ['REJECTED', 'SUPPRESSED'],
        ['REJECTED', 'SUPPRESSED'],
      ],
    );
    assert.deepEqual(
      targeted.data?.targetCampaign.results.map((r) => [r.status, r.error?.code ?? null]),
      [
        ['REJECTED', 'SUPPRESSED'],
        ['CREATED', null],
      ],
    );
    assert.equal(await stored('id = $1', alive.id), 1, 'the other customer was not merged away');
    await relayed(gateway.backends);
    assert.equal(await graphNodes(erased.id), 0, 'no graph node came back');
    // An id that was never a customer is still just unknown.
    const unknown = await execute(gateway.url, LinkRelationshipDocument, {
      ...pair,
      fromId: randomUUID(),
    });
    assert.equal(codeOf(unknown), 'NOT_FOUND');
  });

  it('refuses the ids merged into an erased customer as well as their own', async () => {
    const survivor = await seed('Zoe');
    const duplicate = await seed('Zoe (duplicate)');
    await execute(gateway.url, MergeCustomersDocument, {
      survivorId: survivor.id,
      mergedId: duplicate.id,
    });
    await erase(duplicate.id);

    const viaMergedId = await execute(gateway.url, UpsertCustomerDocument, {
      input: { id: duplicate.id, displayName: 'Zoe again' },
    });
    const viaOwnId = await execute(gateway.url, SetConsentDocument, {
      customerId: survivor.id,
      purpose: 'AI',
      granted: true,
    });

    assert.equal(codeOf(viaMergedId), 'SUPPRESSED');
    assert.equal(codeOf(viaOwnId), 'SUPPRESSED');
    assert.equal(await stored('id = $1', duplicate.id), 0);
  });

  /**
   * Holds the customer's row, as a long transaction would, starts the erasure and then
   * `write` behind it, and lets them go in that order; resolves with the write's answer.
   */
  const behindErasure = async <T>(customer: SeededCustomer, write: () => Promise<T>) => {
    const holder = new pg.Client({ connectionString: gateway.database.url });
    // Watches from outside the holder's transaction, which may keep reading the activity
    // snapshot it took first.
    const observer = new pg.Client({ connectionString: gateway.database.url });
    await holder.connect();
    await observer.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM customers WHERE id = $1 FOR UPDATE', [customer.id]);
      const waiting = () =>
        observer
          .query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          )
          .then((r) => r.rows[0]!.n);
      const erasure = execute(gateway.url, EraseCustomerDocument, { id: customer.id });
      assert.equal(await until(waiting, (n) => n === 1, 10_000), 1, 'the erasure waits');
      const written = write();
      assert.equal(await until(waiting, (n) => n === 2, 10_000), 2, 'the write waits too');
      await holder.query('COMMIT');
      assert.equal((await erasure).errors, undefined);
      return await written;
    } finally {
      await holder.end();
      await observer.end();
    }
  };

  it('an upsert that waited for an erasure in progress does not bring the customer back', async () => {
    const subject = await seed('Abe');

    const upsert = await behindErasure(subject, () =>
      execute(gateway.url, UpsertCustomerDocument, {
        input: { id: subject.id, displayName: 'Abe, renamed meanwhile' },
      }),
    );

    assert.equal(codeOf(upsert), 'SUPPRESSED');
    assert.equal(await stored('id = $1', subject.id), 0);
  });

  it('targeting that waited for an erasure in progress never brings the graph node back', async () => {
    const subject = await seed('Bea');
    await until(
      () => graphNodes(subject.id),
      (n) => n === 1,
      10_000,
    );

    const targeted = await behindErasure(subject, () =>
      execute(gateway.url, TargetCampaignDocument, { campaignId, customerIds: [subject.id] }),
    );

    assert.deepEqual(
      targeted.data?.targetCampaign.results.map((r) => [r.status, r.error?.code]),
      [['REJECTED', 'SUPPRESSED']],
    );
    await relayed(gateway.backends);
    assert.equal(await graphNodes(subject.id), 0);
  });
});
