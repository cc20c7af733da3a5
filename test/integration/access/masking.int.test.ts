import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
  type ApiKeyScope,
  AuditLogDocument,
  CreateApiKeyDocument,
  EraseCustomerDocument,
  ExportCustomerDocument,
  FindByEmailDocument,
  CustomersByTraitsDocument,
  IdentifyDocument,
  MaskedTimelineDocument,
  PersonalDataPageDocument,
  SetConsentDocument,
  TrackDocument,
  UpsertCustomerDocument,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

const N = 5;

/** Personal fields as keys with and without read:pii see them, and what the audit log keeps. */
describe('personal data', () => {
  let gateway: TestApp;
  let reader: string;
  let piiReader: { key: string; id: string };
  const people: { id: string; email: string; userId: string }[] = [];

  const createKey = async (scopes: ApiKeyScope[]) => {
    const result = await execute(gateway.url, CreateApiKeyDocument, { name: 'masking', scopes });
    return { key: result.data!.createApiKey.key, id: result.data!.createApiKey.apiKey.id };
  };

  before(async () => {
    gateway = await createTestApp();
    for (let i = 0; i < N; i += 1) {
      const email = `ada.${randomUUID()}@example.com`;
      const userId = `user-${randomUUID()}`;
      const identified = await execute(gateway.url, IdentifyDocument, {
        input: { anonymousId: userId, identity: { type: 'EMAIL', value: email } },
      });
      const id = identified.data!.identify.customerId;
      await execute(gateway.url, UpsertCustomerDocument, {
        input: {
          id,
          displayName: `Ada Lovelace ${i}`,
          email,
          traits: {
            plan: 'gold',
            interests: ['maths'],
            first_name: 'Ada',
            email,
            home: { city: 'London', Street: '12 St James’s Square' },
          },
        },
      });
      people.push({ id, email, userId });
    }
    reader = (await createKey(['READ'])).key;
    piiReader = await createKey(['READ', 'READ_PII']);
  });

  after(async () => {
    await gateway.stop();
  });

  const auditInserts = () => {
    const names: string[] = [];
    const listener = ({ name }: { name: string }) => names.push(name);
    gateway.backends.postgres.events.on('statement', listener);
    return {
      count: () => names.filter((name) => name === 'audit.appendMany').length,
      stop: () => gateway.backends.postgres.events.off('statement', listener),
    };
  };

  const piiEntriesOf = async (keyId: string) => {
    const log = await execute(gateway.url, AuditLogDocument, {
      filter: { action: 'PII_READ' },
      first: 100,
    });
    assert.equal(log.errors, undefined);
    return log.data!.auditLog.edges.map((e) => e.node).filter((n) => n.keyId === keyId);
  };

  it('masks names, e-mail, personal traits and identities for a key without read:pii, unaudited', async () => {
    const inserts = auditInserts();
    const result = await execute(
      gateway.url,
      PersonalDataPageDocument,
      { first: N },
      { apiKey: reader },
    );
    inserts.stop();

    assert.equal(result.errors, undefined);
    const customers = result.data!.customers.edges.map((edge) => edge.node);
    assert.equal(customers.length, N);
    for (const customer of customers) {
      assert.equal(customer.displayName, '•••');
      assert.equal(customer.email, 'a•••@e•••.com');
      assert.deepEqual(customer.traits, {
        plan: 'gold',
        interests: ['maths'],
        first_name: '•••',
        email: 'a•••@e•••.com',
        home: '•••',
      });
      const values = Object.fromEntries(customer.identities.map((i) => [i.type, i.value]));
      assert.equal(values['EMAIL'], 'a•••@e•••.com');
      assert.match(values['ANONYMOUS_ID'] ?? '', /^user-/, 'opaque ids stay readable');
    }
    assert.equal(inserts.count(), 0, 'masked reads are not audited');
  });

  it('shows clear values with read:pii and audits all customers of the operation in one insert', async () => {
    const inserts = auditInserts();
    const result = await execute(
      gateway.url,
      PersonalDataPageDocument,
      { first: N },
      { apiKey: piiReader.key },
    );
    inserts.stop();

    assert.equal(result.errors, undefined);
    const byId = new Map(result.data!.customers.edges.map(({ node: c }) => [c.id, c]));
    for (const person of people) {
      const customer = byId.get(person.id)!;
      assert.match(customer.displayName, /^Ada Lovelace \d$/);
      assert.equal(customer.email, person.email);
      assert.equal((customer.traits as { first_name: string }).first_name, 'Ada');
      assert.ok(customer.identities.some((i) => i.value === person.email));
    }
    assert.equal(inserts.count(), 1, 'one INSERT for the whole operation');
    const entries = await piiEntriesOf(piiReader.id);
    assert.equal(entries.length, 1);
    assert.deepEqual([...entries[0]!.subjectIds].sort(), people.map((p) => p.id).sort());
    assert.deepEqual(entries[0]!.details['operationName'], 'PersonalDataPage');
    assert.deepEqual(entries[0]!.details['fields'], [
      'Customer.displayName',
      'Customer.email',
      'Customer.traits',
      'Identity.value',
    ]);
    assert.doesNotMatch(JSON.stringify(entries), /example\.com|Ada/, 'no personal value logged');
  });

  it('audits each of many concurrent reads with its own entry, the inserts shared between them', async () => {
    const before = (await piiEntriesOf(piiReader.id)).length;
    const inserts = auditInserts();
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        execute(gateway.url, PersonalDataPageDocument, { first: N }, { apiKey: piiReader.key }),
      ),
    );
    inserts.stop();

    for (const result of results) {
      assert.equal(result.errors, undefined);
    }
    const entries = (await piiEntriesOf(piiReader.id)).slice(0, 12);
    assert.equal((await piiEntriesOf(piiReader.id)).length, before + 12);
    assert.equal(
      new Set(entries.map((entry) => entry.requestId)).size,
      12,
      'one entry per request',
    );
    for (const entry of entries) {
      assert.deepEqual([...entry.subjectIds].sort(), people.map((p) => p.id).sort());
    }
    assert.ok(inserts.count() <= 12, `${inserts.count()} inserts for 12 reads`);
  });

  it('exportCustomer needs the admin scope; an export is audited', async () => {
    const [subject] = people;
    const denied = await execute(
      gateway.url,
      ExportCustomerDocument,
      { id: subject!.id },
      { apiKey: piiReader.key },
    );
    assert.equal(denied.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');

    const exported = await execute(gateway.url, ExportCustomerDocument, { id: subject!.id });
    assert.equal(exported.errors, undefined);
    const log = await execute(gateway.url, AuditLogDocument, {
      filter: { action: 'CUSTOMER_EXPORTED', subjectId: subject!.id },
      first: 10,
    });
    assert.equal(log.data?.auditLog.edges.length, 1);
  });

  it('Mutation.eraseCustomer needs admin and is audited with the erased id', async () => {
    const subject = people.at(-1)!;
    const denied = await execute(
      gateway.url,
      EraseCustomerDocument,
      { id: subject.id },
      { apiKey: piiReader.key },
    );
    assert.equal(denied.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');

    const erased = await execute(gateway.url, EraseCustomerDocument, { id: subject.id });
    assert.equal(erased.errors, undefined);

    const log = await execute(gateway.url, AuditLogDocument, {
      filter: { action: 'CUSTOMER_ERASED', subjectId: subject.id },
      first: 10,
    });
    const entries = log.data!.auditLog.edges.map((e) => e.node);
    assert.equal(entries.length, 1);
    assert.deepEqual(entries[0]!.subjectIds, [subject.id]);
    assert.equal(entries[0]!.details['erasedEvents'], 0);
    assert.ok(entries[0]!.keyId, 'the acting key is recorded');
  });

  it('Query.auditLog pages newest first and the log refuses edits', async () => {
    const first = await execute(gateway.url, AuditLogDocument, { first: 2 });
    const page = first.data!.auditLog;
    assert.equal(page.edges.length, 2);
    assert.equal(page.pageInfo.hasNextPage, true);
    const second = await execute(gateway.url, AuditLogDocument, {
      first: 2,
      after: page.pageInfo.endCursor,
    });
    const ids = [...page.edges, ...second.data!.auditLog.edges].map((e) => Number(e.node.id));
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => b - a),
    );
    assert.equal(new Set(ids).size, ids.length);

    await assert.rejects(gateway.backends.postgres.query('DELETE FROM audit_log'), /append-only/);
  });

  it('refuses searches by personal values without read:pii, so masked data cannot be probed', async () => {
    const email = people[0]!.email;

    const asReader = await execute(gateway.url, FindByEmailDocument, { email }, { apiKey: reader });
    const asPiiReader = await execute(
      gateway.url,
      FindByEmailDocument,
      { email },
      { apiKey: piiReader.key },
    );

    assert.deepEqual(
      asReader.errors?.map((e) => e.extensions?.['code']),
      ['FORBIDDEN', 'FORBIDDEN'],
    );
    assert.equal(asPiiReader.errors, undefined, JSON.stringify(asPiiReader.errors));
    assert.equal(asPiiReader.data?.customerByIdentity?.id, people[0]!.id);
    assert.equal(asPiiReader.data?.customers.edges[0]?.node.id, people[0]!.id);
  });

  it('masks by value: traits under any key, event properties, names and ids, consent sources, e-mail user ids', async () => {
    const email = `grace.${randomUUID()}@example.com`;
    const work = `g.hopper.${randomUUID()}@navy.example.org`;
    const identified = await execute(gateway.url, IdentifyDocument, {
      input: {
        anonymousId: `visitor-${randomUUID()}`,
        identity: { type: 'USER_ID', value: email },
      },
    });
    const id = identified.data!.identify.customerId;
    await execute(gateway.url, UpsertCustomerDocument, {
      input: {
        id,
        displayName: 'Grace Hopper',
        traits: {
          plan: 'gold',
          surname: 'Hopper',
          workEmail: work,
          telephone: '+1 202 555 0143',
          notes: 'prefers the Arlington office',
          profile: { maiden: 'Murray' },
          interests: ['cobol', work],
        },
      },
    });
    await execute(gateway.url, TrackDocument, {
      event: {
        messageId: email,
        identity: { type: 'USER_ID', value: email },
        type: 'CUSTOM',
        name: `newsletter for ${work}`,
        properties: { sku: 'BOOK-1', shipTo: '12 St James’s Square', card: '4111 1111 1111 1111' },
      },
    });
    await execute(gateway.url, SetConsentDocument, {
      customerId: id,
      purpose: 'MARKETING',
      granted: true,
      source: 'phone call with Grace Hopper',
    });

    const masked = await execute(gateway.url, MaskedTimelineDocument, { id }, { apiKey: reader });
    const clear = await execute(
      gateway.url,
      MaskedTimelineDocument,
      { id },
      { apiKey: piiReader.key },
    );

    assert.equal(masked.errors, undefined, JSON.stringify(masked.errors));
    const body = JSON.stringify(masked.data);
    for (const secret of [
      'Hopper',
      'Arlington',
      'Murray',
      '555',
      'St James',
      '4111',
      email,
      work,
    ]) {
      assert.ok(!body.includes(secret), `${secret} leaked: ${body}`);
    }
    const customer = masked.data!.customer!;
    assert.equal(customer.traits['plan'], 'gold', 'declared non-personal keys stay readable');
    assert.deepEqual(customer.traits['interests'], ['cobol', 'g•••@n•••.org']);
    const event = customer.events!.edges[0]!.node;
    assert.equal(event.properties['sku'], 'BOOK-1');
    assert.equal(customer.consent.find((c) => c.purpose === 'MARKETING')?.source, '•••');
    assert.equal(
      customer.identities.find((i) => i.type === 'USER_ID')?.value,
      'g•••@e•••.com',
      'an opaque id that is an e-mail address is masked as one',
    );
    assert.ok(JSON.stringify(clear.data).includes('Arlington'), 'read:pii sees everything');
  });

  it('treats searches by any trait not declared non-personal as personal', async () => {
    const byPlan = await execute(
      gateway.url,
      CustomersByTraitsDocument,
      { traits: { plan: 'gold' } },
      { apiKey: reader },
    );
    const bySurname = await execute(
      gateway.url,
      CustomersByTraitsDocument,
      { traits: { surname: 'Hopper' } },
      { apiKey: reader },
    );

    assert.equal(byPlan.errors, undefined);
    assert.equal(bySurname.errors?.[0]?.extensions?.['code'], 'FORBIDDEN');
  });

  it('never echoes input values in validation errors', async () => {
    const result = await execute(gateway.url, UpsertCustomerDocument, {
      input: { displayName: 'Grace Brewster Hopper', email: 'not-an-address', traits: {} },
    });

    assert.equal(result.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    const body = JSON.stringify(result);
    assert.ok(!body.includes('Brewster'), body);
    assert.ok(!body.includes('not-an-address'), body);
  });
});
