import assert from 'node:assert/strict';
import { createHash, createHmac, randomInt, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  EraseCustomerDocument,
  IdentifyDocument,
  TrackBatchDocument,
  TrackDocument,
  UpsertCustomerDocument,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { createTestApp, TEST_SUPPRESSION_PEPPER, type TestApp } from '../../support/test-app.js';

const hmac = (text: string) =>
  createHmac('sha256', TEST_SUPPRESSION_PEPPER).update(text).digest('hex');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A London number of its own (020 7946 xxxx, kept for fiction), in E.164. */
const phoneNumber = () => `+44207946${randomInt(10_000).toString().padStart(4, '0')}`;

describe('erasure suppression keys', () => {
  let gateway: TestApp;

  before(async () => {
    gateway = await createTestApp();
  });

  after(async () => {
    await gateway.stop();
  });

  const track = (type: 'EMAIL' | 'PHONE', value: string) =>
    execute(gateway.url, TrackDocument, {
      event: { messageId: randomUUID(), identity: { type, value }, type: 'VIEW' },
    });

  const rowsFor = async (...hashes: string[]) =>
    (
      await gateway.backends.postgres.query<{
        identity_hash: string;
        key_scheme: string;
        dropped_events: string;
      }>(
        `SELECT identity_hash, key_scheme, dropped_events FROM erasure_suppressions
         WHERE identity_hash = ANY($1::text[]) ORDER BY identity_hash`,
        [hashes],
      )
    ).rows;

  it('keeps an erased phone number only as an HMAC under the pepper, which no plain SHA-256 dictionary finds', async () => {
    const phone = phoneNumber();
    const subject = (await track('PHONE', phone)).data!.track.customerId!;

    const erased = await execute(gateway.url, EraseCustomerDocument, { id: subject });

    assert.equal(erased.errors, undefined);
    assert.deepEqual(
      (await rowsFor(hmac(`phone:${phone}`), sha256(`phone:${phone}`))).map((row) => [
        row.identity_hash,
        row.key_scheme,
      ]),
      [[hmac(`phone:${phone}`), 'hmac-sha256']],
    );
    const again = await track('PHONE', phone);
    assert.equal(again.errors?.[0]?.extensions?.['code'], 'SUPPRESSED');
  });

  it('still refuses identities suppressed as unsalted SHA-256 before the pepper, and counts the dropped events there', async () => {
    const email = `${randomUUID()}@example.com`;
    const phone = phoneNumber();
    // As an erasure before the pepper left them: plain SHA-256, and no HMAC row.
    await gateway.backends.postgres.query(
      `INSERT INTO erasure_suppressions (identity_hash, key_scheme) VALUES ($1, 'sha256'), ($2, 'sha256')`,
      [sha256(`email:${email}`), sha256(`phone:${phone}`)],
    );

    const batch = await execute(gateway.url, TrackBatchDocument, {
      events: [
        { messageId: randomUUID(), identity: { type: 'EMAIL', value: email }, type: 'VIEW' },
        { messageId: randomUUID(), identity: { type: 'PHONE', value: phone }, type: 'VIEW' },
      ],
    });
    const identify = await execute(gateway.url, IdentifyDocument, {
      input: { anonymousId: randomUUID(), identity: { type: 'EMAIL', value: email } },
    });
    const upsert = await execute(gateway.url, UpsertCustomerDocument, {
      input: { displayName: 'Returning', identities: [{ type: 'PHONE', value: phone }] },
    });

    assert.deepEqual(
      batch.data?.trackBatch.results.map((r) => [r.status, r.error?.code]),
      [
        ['REJECTED', 'SUPPRESSED'],
        ['REJECTED', 'SUPPRESSED'],
      ],
    );
    assert.equal(identify.errors?.[0]?.extensions?.['code'], 'SUPPRESSED');
    assert.equal(upsert.errors?.[0]?.extensions?.['code'], 'SUPPRESSED');
    assert.deepEqual(
      (await rowsFor(sha256(`email:${email}`), sha256(`phone:${phone}`))).map((row) => [
        row.key_scheme,
        Number(row.dropped_events),
      ]),
      [
        ['sha256', 1],
        ['sha256', 1],
      ],
    );
    assert.deepEqual(await rowsFor(hmac(`email:${email}`), hmac(`phone:${phone}`)), []);
  });
});
