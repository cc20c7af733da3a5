import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { FEED_ADVANCED } from '../../../src/changefeed/change-feed.js';
import { ChangeFeedStore } from '../../../src/changefeed/change-feed.store.js';
import { verifyWebhookSignature } from '../../../src/modules/activation/webhook.signature.js';
import { WebhookLogStore } from '../../../src/modules/activation/webhook-log.store.js';
import { DeliveryOutcome } from '../../../src/modules/activation/webhook.kinds.js';
import type { WebhookPayload } from '../../../src/modules/activation/webhook.batch.js';
import {
  CreateApiKeyDocument,
  CreateWebhookDestinationDocument,
  type CreateWebhookDestinationInput,
  DeleteWebhookDestinationDocument,
  RedeliverDeadLetterDocument,
  RotateWebhookSecretDocument,
  UpdateWebhookDestinationDocument,
  UpsertCustomerDocument,
  WebhookDestinationLogDocument,
  WebhookDestinationsDocument,
} from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { createTestDatabase } from '../../support/database.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { defineReadySegment } from '../../support/segments.js';
import { until } from '../../support/until.js';
import {
  type ReceivedRequest,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../../support/webhook-receiver.js';

const codeOf = (result: { errors?: readonly { extensions?: Record<string, unknown> }[] }) =>
  result.errors?.[0]?.extensions?.['code'];

const MAX_ATTEMPTS = 4;

describe('activation webhooks', () => {
  let gateway: TestApp;
  const receivers: WebhookReceiver[] = [];

  before(async () => {
    gateway = await createTestApp({
      env: {
        // Quick retries and polls, so the retry and dead-letter paths finish in a second.
        WEBHOOK_POLL_MS: '200',
        WEBHOOK_RETRY_BASE_MS: '50',
        WEBHOOK_RETRY_MAX_MS: '200',
        WEBHOOK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
        WEBHOOK_TIMEOUT_MS: '5000',
        CHANGE_FEED_POLL_MS: '200',
      },
    });
  });

  after(async () => {
    await Promise.all(receivers.map((receiver) => receiver.close()));
    await gateway.stop();
  });

  const receiver = async (answer?: WebhookReceiver['answer']) => {
    const started = await startWebhookReceiver(answer);
    receivers.push(started);
    return started;
  };

  /** A segment row as the segment module would store it (that module is not needed here). */
  const createSegment = async (label: string) => {
    const key = `${label}-${randomUUID().slice(0, 8)}`;
    const { rows } = await gateway.backends.postgres.query<{ id: string }>(
      `INSERT INTO segments (key, name, rule) VALUES ($1, $2, '{}') RETURNING id`,
      [key, `Segment ${label}`],
    );
    return { id: rows[0]!.id, key, name: `Segment ${label}` };
  };

  /** Appends segment changes as a writer does (in a transaction), then announces them. */
  const appendChanges = async (
    changes: readonly { segmentId: string; customerId?: string; change: 'ENTERED' | 'EXITED' }[],
  ) => {
    const entries = await gateway.backends.postgres.withTransaction((tx) =>
      new ChangeFeedStore(tx).append(
        changes.map((c, n) => ({
          stream: 'segment' as const,
          segmentId: c.segmentId,
          customerId: c.customerId ?? randomUUID(),
          change: c.change,
          sizeAfter: n + 1,
          reason: { summary: `test change ${n}`, conditions: [] },
        })),
      ),
    );
    // What ChangeFeed.announce() does: every instance's feed reads the new entries at once.
    gateway.backends.pubSub.publish(FEED_ADVANCED, null);
    return entries;
  };

  const createDestination = async (input: CreateWebhookDestinationInput) => {
    const result = await execute(gateway.url, CreateWebhookDestinationDocument, { input });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return result.data!.createWebhookDestination;
  };

  const payloadsOf = (requests: readonly ReceivedRequest[]) =>
    requests.map((request) => JSON.parse(request.body) as WebhookPayload);

  /** The changes of the requests the receiver accepted (2xx), in the order they came. */
  const deliveredChanges = (target: WebhookReceiver) =>
    payloadsOf(target.requests.filter((r) => r.status >= 200 && r.status < 300)).flatMap(
      (payload) => payload.changes,
    );

  const log = async (id: string) => {
    const result = await execute(gateway.url, WebhookDestinationLogDocument, { id, first: 50 });
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return result.data!.webhookDestination!;
  };

  it('Mutation.createWebhookDestination delivers signed batches of the subscribed segments only, in cursor order, from its creation on', async () => {
    const [followed, other] = await Promise.all([
      createSegment('followed'),
      createSegment('other'),
    ]);
    await appendChanges([{ segmentId: followed.id, change: 'ENTERED' }]); // before the destination
    const target = await receiver();
    const { destination, secret } = await createDestination({
      name: 'crm',
      url: target.url,
      segmentIds: [followed.id],
    });
    assert.match(secret, /^whsec_[\w-]{43}$/);
    assert.deepEqual(destination.changes, ['ENTERED', 'EXITED']);

    const customer = randomUUID();
    const appended = await appendChanges([
      { segmentId: followed.id, customerId: customer, change: 'ENTERED' },
      { segmentId: other.id, change: 'ENTERED' },
      { segmentId: followed.id, change: 'ENTERED' },
      { segmentId: followed.id, customerId: customer, change: 'EXITED' },
    ]);
    const expected = appended.filter((entry) => entry.segmentId === followed.id);

    await until(
      async () => deliveredChanges(target).length,
      (count) => count >= expected.length,
      15_000,
    );
    const changes = deliveredChanges(target);
    assert.deepEqual(
      changes.map((c) => c.cursor),
      expected.map((e) => e.cursor),
      'exactly the followed segment’s changes made after creation, in cursor order',
    );
    assert.deepEqual(changes[0], {
      cursor: expected[0]!.cursor,
      segment: followed,
      customerId: customer,
      change: 'ENTERED',
      at: expected[0]!.at.toISOString(),
      reason: { summary: 'test change 0', conditions: [] },
    });
    for (const request of target.requests) {
      const signature = String(request.headers['c360-signature']);
      assert.ok(verifyWebhookSignature(secret, signature, request.body), 'signature verifies');
      assert.equal(verifyWebhookSignature('whsec_wrong', signature, request.body), false);
      assert.equal(verifyWebhookSignature(secret, signature, `${request.body} `), false);
      const payload = JSON.parse(request.body) as WebhookPayload;
      assert.equal(request.headers['c360-delivery'], payload.deliveryId);
      assert.equal(request.headers['content-type'], 'application/json');
      assert.deepEqual(payload.destination, { id: destination.id, name: 'crm' });
    }
    const logged = await log(destination.id);
    assert.equal(logged.cursor, expected.at(-1)!.cursor);
    assert.ok(logged.deliveries.edges.every((edge) => edge.node.outcome === 'DELIVERED'));
    assert.equal(
      logged.deliveries.edges.reduce((sum, edge) => sum + edge.node.changeCount, 0),
      expected.length,
    );
  });

  it('sends only the changes a destination asks for, and signs with the rotated secret', async () => {
    const segment = await createSegment('exits');
    const target = await receiver();
    const { destination } = await createDestination({
      name: 'exits only',
      url: target.url,
      segmentIds: [segment.id],
      changes: ['EXITED'],
    });
    const rotated = await execute(gateway.url, RotateWebhookSecretDocument, { id: destination.id });
    assert.equal(rotated.errors, undefined);
    const secret = rotated.data!.rotateWebhookSecret.secret;

    const appended = await appendChanges([
      { segmentId: segment.id, change: 'ENTERED' },
      { segmentId: segment.id, change: 'EXITED' },
      { segmentId: segment.id, change: 'ENTERED' },
    ]);

    await until(
      async () => deliveredChanges(target).length,
      (count) => count >= 1,
      15_000,
    );
    assert.deepEqual(
      deliveredChanges(target).map((c) => [c.cursor, c.change]),
      [[appended[1]!.cursor, 'EXITED']],
    );
    const [request] = target.requests;
    assert.ok(
      verifyWebhookSignature(secret, String(request!.headers['c360-signature']), request!.body),
    );
    // The entries it skipped still move its cursor on.
    const logged = await until(
      () => log(destination.id),
      (d) => d.cursor === appended[2]!.cursor,
      15_000,
    );
    assert.equal(logged.cursor, appended[2]!.cursor);
  });

  it('delivers the entry of a real segment when a customer comes to match its rule, with why', async () => {
    const key = `vip-${randomUUID().slice(0, 8)}`;
    const segmentId = await defineReadySegment(gateway.url, {
      key,
      name: 'VIPs',
      rule: { trait: { key: 'vip', op: 'EQUALS', value: key } },
    });
    const target = await receiver();
    const { secret } = await createDestination({
      name: 'crm',
      url: target.url,
      segmentIds: [segmentId],
    });

    const customerId = randomUUID();
    const upserted = await execute(gateway.url, UpsertCustomerDocument, {
      input: { id: customerId, displayName: 'New VIP', traits: { vip: key } },
    });
    assert.equal(upserted.errors, undefined, JSON.stringify(upserted.errors));

    const delivered = await until(
      () => Promise.resolve(deliveredChanges(target)),
      (changes) => changes.length > 0,
      15_000,
    );
    assert.equal(delivered.length, 1);
    const [change] = delivered;
    assert.deepEqual(
      [change!.customerId, change!.change, change!.segment],
      [customerId, 'ENTERED', { id: segmentId, key, name: 'VIPs' }],
    );
    assert.match(JSON.stringify(change!.reason), /vip/);
    assert.ok(
      verifyWebhookSignature(
        secret,
        String(target.requests[0]!.headers['c360-signature']),
        target.requests[0]!.body,
      ),
    );
  });

  it('retries a failing receiver with the same batch and delivery id until it answers 2xx, logging each attempt', async () => {
    const segment = await createSegment('retried');
    const target = await receiver((_, count) => (count <= 2 ? 500 : 200));
    const { destination, secret } = await createDestination({
      name: 'flaky',
      url: target.url,
      segmentIds: [segment.id],
    });

    const appended = await appendChanges([
      { segmentId: segment.id, change: 'ENTERED' },
      { segmentId: segment.id, change: 'ENTERED' },
    ]);

    const logged = await until(
      () => log(destination.id),
      (d) => d.deliveries.edges.some((edge) => edge.node.outcome === 'DELIVERED'),
      15_000,
    );
    assert.deepEqual(
      logged.deliveries.edges.map((edge) => [
        edge.node.attempt,
        edge.node.outcome,
        edge.node.httpStatus,
      ]),
      [
        [3, 'DELIVERED', 200],
        [2, 'FAILED', 500],
        [1, 'FAILED', 500],
      ],
      'newest first',
    );
    assert.match(logged.deliveries.edges[1]!.node.error!, /^HTTP 500: status 500/);
    assert.equal(logged.attempts, 0);
    assert.equal(logged.lastError, null);
    assert.equal(logged.cursor, appended[1]!.cursor);
    assert.equal(target.requests.length, 3);
    const bodies = new Set(target.requests.map((request) => request.body));
    assert.equal(bodies.size, 1, 'every attempt carried the same batch');
    assert.deepEqual(
      target.requests.map((request) => request.headers['c360-delivery-attempt']),
      ['1', '2', '3'],
    );
    const deliveryIds = new Set(target.requests.map((request) => request.headers['c360-delivery']));
    assert.equal(deliveryIds.size, 1);
    for (const request of target.requests) {
      assert.ok(
        verifyWebhookSignature(secret, String(request.headers['c360-signature']), request.body),
      );
    }
    // Paging the log: one at a time, newest first, then the rest after its cursor.
    const firstPage = await execute(gateway.url, WebhookDestinationLogDocument, {
      id: destination.id,
      first: 1,
    });
    const page = firstPage.data!.webhookDestination!.deliveries;
    assert.equal(page.edges[0]!.node.attempt, 3);
    assert.equal(page.pageInfo.hasNextPage, true);
    const rest = await execute(gateway.url, WebhookDestinationLogDocument, {
      id: destination.id,
      first: 10,
      after: page.pageInfo.endCursor,
    });
    assert.deepEqual(
      rest.data!.webhookDestination!.deliveries.edges.map((edge) => edge.node.attempt),
      [2, 1],
    );
  });

  it('lists a log of more than nine attempts newest first, and pages through it by number', async () => {
    const segment = await createSegment('long-log');
    const target = await receiver();
    const { destination } = await createDestination({
      name: 'long log',
      url: target.url,
      segmentIds: [segment.id],
    });
    const store = new WebhookLogStore(gateway.backends.postgres);
    for (let attempt = 1; attempt <= 12; attempt += 1) {
      await store.insertDelivery({
        destinationId: destination.id,
        deliveryId: randomUUID(),
        firstCursor: '1',
        lastCursor: '1',
        changeCount: 1,
        attempt,
        outcome: DeliveryOutcome.FAILED,
        httpStatus: 500,
        error: 'HTTP 500',
        durationMs: 1,
      });
    }
    const first = await execute(gateway.url, WebhookDestinationLogDocument, {
      id: destination.id,
      first: 5,
    });
    const page = first.data!.webhookDestination!.deliveries;
    const rest = await execute(gateway.url, WebhookDestinationLogDocument, {
      id: destination.id,
      first: 50,
      after: page.pageInfo.endCursor,
    });
    assert.deepEqual(
      [...page.edges, ...rest.data!.webhookDestination!.deliveries.edges].map(
        (e) => e.node.attempt,
      ),
      [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1],
    );
  });

  it('dead-letters a batch after the last attempt, delivers later changes, and Mutation.redeliverDeadLetter sends it again', async () => {
    const segment = await createSegment('dead');
    const target = await receiver(() => 503);
    const { destination } = await createDestination({
      name: 'down',
      url: target.url,
      segmentIds: [segment.id],
    });

    const [lost] = await appendChanges([{ segmentId: segment.id, change: 'ENTERED' }]);
    const deadLettered = await until(
      () => log(destination.id),
      (d) => d.deadLetters.edges.length > 0,
      15_000,
    );
    const letter = deadLettered.deadLetters.edges[0]!.node;
    assert.equal(letter.attempts, MAX_ATTEMPTS);
    assert.equal(letter.firstCursor, lost!.cursor);
    assert.match(letter.lastError!, /^HTTP 503/);
    assert.equal(letter.redeliveredAt, null);
    assert.deepEqual(
      deadLettered.deliveries.edges.map((edge) => edge.node.outcome),
      ['DEAD_LETTERED', ...Array<string>(MAX_ATTEMPTS - 1).fill('FAILED')],
    );
    assert.equal(deadLettered.cursor, lost!.cursor, 'the cursor moved past the dead letter');
    assert.equal(target.requests.length, MAX_ATTEMPTS);

    // The receiver recovers: later changes flow; the dead letter is not sent by itself.
    target.answer = () => 200;
    const [later] = await appendChanges([{ segmentId: segment.id, change: 'EXITED' }]);
    await until(
      async () => deliveredChanges(target).map((c) => c.cursor),
      (cursors) => cursors.includes(later!.cursor),
      15_000,
    );
    const afterRecovery = payloadsOf(target.requests.slice(MAX_ATTEMPTS));
    assert.deepEqual(
      afterRecovery.flatMap((p) => p.changes.map((c) => c.cursor)),
      [later!.cursor],
    );

    const redelivered = await execute(gateway.url, RedeliverDeadLetterDocument, { id: letter.id });
    assert.equal(redelivered.errors, undefined, JSON.stringify(redelivered.errors));
    const outcome = redelivered.data!.redeliverDeadLetter;
    assert.equal(outcome.delivered, true);
    assert.equal(outcome.delivery.outcome, 'DELIVERED');
    assert.equal(outcome.delivery.attempt, MAX_ATTEMPTS + 1);
    assert.equal(outcome.deadLetter.attempts, MAX_ATTEMPTS + 1);
    assert.ok(outcome.deadLetter.redeliveredAt);
    const resent = target.requests.at(-1)!;
    assert.equal(resent.headers['c360-delivery'], letter.deliveryId);
    assert.deepEqual(JSON.parse(resent.body), letter.body);
    assert.equal(
      payloadsOf([resent])[0]!.changes[0]!.cursor,
      lost!.cursor,
      'the dead-lettered change itself',
    );
  });

  it('refuses bad input with BAD_USER_INPUT and unknown ids with NOT_FOUND, storing nothing', async () => {
    const segment = await createSegment('valid');
    const before = await gateway.backends.postgres.query<{ n: string }>(
      'SELECT count(*) AS n FROM webhook_destinations',
    );
    const cases: [string, CreateWebhookDestinationInput][] = [
      ['unknown segment', { name: 'x', url: 'https://example.com/h', segmentIds: [randomUUID()] }],
      ['not a uuid', { name: 'x', url: 'https://example.com/h', segmentIds: ['nope'] }],
      ['ftp url', { name: 'x', url: 'ftp://example.com/h', segmentIds: [segment.id] }],
      ['not a url', { name: 'x', url: 'example.com/h', segmentIds: [segment.id] }],
      ['credentials', { name: 'x', url: 'https://u:p@example.com/h', segmentIds: [segment.id] }],
      ['empty name', { name: ' ', url: 'https://example.com/h', segmentIds: [segment.id] }],
      ['no changes', { name: 'x', url: 'https://example.com/h', changes: [] }],
    ];
    for (const [label, input] of cases) {
      const result = await execute(gateway.url, CreateWebhookDestinationDocument, { input });
      assert.equal(codeOf(result), 'BAD_USER_INPUT', label);
    }
    const after = await gateway.backends.postgres.query<{ n: string }>(
      'SELECT count(*) AS n FROM webhook_destinations',
    );
    assert.equal(after.rows[0]!.n, before.rows[0]!.n);

    const missing = randomUUID();
    for (const result of [
      await execute(gateway.url, UpdateWebhookDestinationDocument, {
        id: missing,
        input: { name: 'y' },
      }),
      await execute(gateway.url, DeleteWebhookDestinationDocument, { id: missing }),
      await execute(gateway.url, RotateWebhookSecretDocument, { id: missing }),
      await execute(gateway.url, RedeliverDeadLetterDocument, { id: '999999999' }),
    ]) {
      assert.equal(codeOf(result), 'NOT_FOUND');
    }
  });

  it('Mutation.updateWebhookDestination and deleteWebhookDestination change and remove a destination', async () => {
    const segment = await createSegment('edited');
    const { destination } = await createDestination({
      name: 'before',
      url: 'https://example.com/before',
      segmentIds: [segment.id],
    });
    const updated = await execute(gateway.url, UpdateWebhookDestinationDocument, {
      id: destination.id,
      input: { name: 'after', segmentIds: null, active: false },
    });
    assert.equal(updated.errors, undefined, JSON.stringify(updated.errors));
    assert.deepEqual(
      {
        name: updated.data!.updateWebhookDestination.name,
        url: updated.data!.updateWebhookDestination.url,
        segmentIds: updated.data!.updateWebhookDestination.segmentIds,
        active: updated.data!.updateWebhookDestination.active,
      },
      { name: 'after', url: 'https://example.com/before', segmentIds: null, active: false },
    );
    const deleted = await execute(gateway.url, DeleteWebhookDestinationDocument, {
      id: destination.id,
    });
    assert.equal(deleted.errors, undefined);
    const listed = await execute(gateway.url, WebhookDestinationsDocument, {});
    assert.ok(!listed.data!.webhookDestinations.some((d) => d.id === destination.id));
  });

  it('needs the ADMIN scope: a READ and WRITE key gets FORBIDDEN and stores nothing', async () => {
    const created = await execute(gateway.url, CreateApiKeyDocument, {
      name: `webhooks ${randomUUID()}`,
      scopes: ['READ', 'WRITE'],
    });
    const apiKey = created.data!.createApiKey.key;
    const listed = await execute(gateway.url, WebhookDestinationsDocument, {}, { apiKey });
    assert.equal(codeOf(listed), 'FORBIDDEN');
    const segment = await createSegment('forbidden');
    const attempt = await execute(
      gateway.url,
      CreateWebhookDestinationDocument,
      { input: { name: 'sneaky', url: 'https://example.com/h', segmentIds: [segment.id] } },
      { apiKey },
    );
    assert.equal(codeOf(attempt), 'FORBIDDEN');
    const { rows } = await gateway.backends.postgres.query(
      `SELECT 1 FROM webhook_destinations WHERE name = 'sneaky'`,
    );
    assert.equal(rows.length, 0);
    const anonymous = await execute(gateway.url, WebhookDestinationsDocument, {}, { apiKey: null });
    assert.equal(codeOf(anonymous), 'UNAUTHENTICATED');
  });
});

describe('activation webhooks with WEBHOOK_ALLOW_PRIVATE_NETWORKS off', () => {
  it('refuses a loopback or private destination unless WEBHOOK_ALLOW_PRIVATE_NETWORKS is on', async () => {
    const gateway = await createTestApp({ env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'off' } });
    try {
      for (const url of [
        'http://127.0.0.1:8080/h',
        'http://localhost/h',
        'http://[::1]/h',
        'http://169.254.169.254/latest/meta-data',
        'http://10.1.2.3/h',
        'http://[::ffff:192.168.0.1]/h',
      ]) {
        const result = await execute(gateway.url, CreateWebhookDestinationDocument, {
          input: { name: 'internal', url },
        });
        assert.equal(codeOf(result), 'BAD_USER_INPUT', url);
      }
      const allowed = await execute(gateway.url, CreateWebhookDestinationDocument, {
        input: { name: 'public', url: 'https://93.184.215.14/h' },
      });
      assert.equal(allowed.errors, undefined, JSON.stringify(allowed.errors));
    } finally {
      await gateway.stop();
    }
  });
});

describe('activation webhooks on two gateway instances', () => {
  it('delivers each change once, in order, with one instance at a time sending to a destination', async () => {
    const env = { WEBHOOK_POLL_MS: '100', WEBHOOK_BATCH_SIZE: '5', CHANGE_FEED_POLL_MS: '100' };
    const first = await createTestApp({ env });
    const second = await createTestApp({ env, database: first.database });
    const target = await startWebhookReceiver(() => 200, 10);
    try {
      const { rows } = await first.backends.postgres.query<{ id: string }>(
        `INSERT INTO segments (key, name, rule) VALUES ('shared', 'Shared', '{}') RETURNING id`,
      );
      const segmentId = rows[0]!.id;
      const created = await execute(first.url, CreateWebhookDestinationDocument, {
        input: { name: 'shared', url: target.url, segmentIds: [segmentId] },
      });
      assert.equal(created.errors, undefined, JSON.stringify(created.errors));
      const cursors: string[] = [];
      for (const gateway of [first, second, first]) {
        const appended = await gateway.backends.postgres.withTransaction((tx) =>
          new ChangeFeedStore(tx).append(
            Array.from({ length: 20 }, () => ({
              stream: 'segment' as const,
              segmentId,
              customerId: randomUUID(),
              change: 'ENTERED',
            })),
          ),
        );
        gateway.backends.pubSub.publish(FEED_ADVANCED, null);
        cursors.push(...appended.map((entry) => entry.cursor));
      }

      const received = () =>
        target.requests.flatMap((r) => (JSON.parse(r.body) as WebhookPayload).changes);
      await until(
        async () => received().length,
        (count) => count >= cursors.length,
        20_000,
      );
      assert.deepEqual(
        received().map((change) => change.cursor),
        cursors,
        'every change once, in cursor order',
      );
      assert.equal(target.maxInFlight, 1, 'never two requests to the destination at once');
      assert.ok(target.requests.every((r) => JSON.parse(r.body).changes.length <= 5));
    } finally {
      await target.close();
      await second.stop();
      await first.stop();
    }
  });
});

describe('activation webhooks across a restart', () => {
  it('takes a pending retry up after a restart with the same batch, delivery id and attempt count', async () => {
    const database = await createTestDatabase();
    // The retry is due a moment after the first attempt: long enough to stop the instance
    // before it, so the next attempt can only come from the restarted one.
    const env = { WEBHOOK_RETRY_BASE_MS: '3000', WEBHOOK_POLL_MS: '100' };
    const target = await startWebhookReceiver(() => 500);
    let gateway = await createTestApp({ env, database });
    try {
      const { rows } = await gateway.backends.postgres.query<{ id: string }>(
        `INSERT INTO segments (key, name, rule) VALUES ('restart', 'Restart', '{}') RETURNING id`,
      );
      const segmentId = rows[0]!.id;
      const created = await execute(gateway.url, CreateWebhookDestinationDocument, {
        input: { name: 'restart', url: target.url, segmentIds: [segmentId] },
      });
      const destinationId = created.data!.createWebhookDestination.destination.id;
      await gateway.backends.postgres.withTransaction((tx) =>
        new ChangeFeedStore(tx).append([
          { stream: 'segment', segmentId, customerId: randomUUID(), change: 'ENTERED' },
        ]),
      );
      gateway.backends.pubSub.publish(FEED_ADVANCED, null);
      const failed = await until(
        async () =>
          (
            await gateway.backends.postgres.query<{ attempts: number }>(
              'SELECT attempts FROM webhook_destinations WHERE id = $1',
              [destinationId],
            )
          ).rows[0]!.attempts,
        (attempts) => attempts === 1,
        15_000,
      );
      assert.equal(failed, 1);
      await gateway.stop();

      target.answer = () => 200;
      gateway = await createTestApp({ env, database });
      await until(
        async () => target.requests.filter((r) => r.status === 200).length,
        (count) => count === 1,
        15_000,
      );
      const [first, retried] = target.requests;
      assert.equal(target.requests.length, 2);
      assert.equal(retried!.headers['c360-delivery'], first!.headers['c360-delivery']);
      assert.equal(retried!.headers['c360-delivery-attempt'], '2');
      assert.equal(retried!.body, first!.body);
      const logged = await execute(gateway.url, WebhookDestinationLogDocument, {
        id: destinationId,
        first: 10,
      });
      assert.deepEqual(
        logged.data!.webhookDestination!.deliveries.edges.map((e) => [
          e.node.attempt,
          e.node.outcome,
        ]),
        [
          [2, 'DELIVERED'],
          [1, 'FAILED'],
        ],
      );
    } finally {
      await target.close();
      await gateway.stop();
      await database.drop();
    }
  });
});
