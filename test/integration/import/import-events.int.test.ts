import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { access, appendFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { CustomerTimelineDocument } from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { failingProxy, readJsonLines, runImportCli, tempDir } from '../../support/import-cli.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

const event = (messageId: string, anonymousId: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    messageId,
    identity: { type: 'anonymous_id', value: anonymousId },
    type: 'view',
    properties: { productId: 'p-1' },
    ...extra,
  });

describe('c360 import --kind events', () => {
  let gateway: TestApp;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const storedEvents = async (messageIds: readonly string[]) =>
    Number(
      (
        await gateway.backends.postgres.query<{ n: string }>(
          'SELECT count(*) AS n FROM events WHERE message_id = ANY($1::text[])',
          [messageIds],
        )
      ).rows[0]!.n,
    );

  before(async () => {
    gateway = await createTestApp();
    dir = await tempDir();
  });

  after(async () => {
    await dir.remove();
    await gateway.stop();
  });

  it('imports JSONL, reporting an unreadable line, an invalid row and a rejected row by line', async () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const visitor = randomUUID();
    const file = path.join(dir.path, 'events.jsonl');
    await writeFile(
      file,
      [
        event(ids[0]!, visitor),
        event(ids[1]!, visitor, { occurredAt: '2026-01-31T12:00:00Z' }),
        '{"messageId": "broken',
        event(ids[0]!, visitor), // resent: a duplicate, not a second event
        '',
        JSON.stringify({
          messageId: randomUUID(),
          identity: { type: 'email', value: 'not-an-email' },
          type: 'VIEW',
        }),
        JSON.stringify({ identity: { type: 'anonymous_id', value: visitor }, type: 'view' }),
        event(ids[2]!, visitor, { type: 'cart_add' }),
      ].join('\n') + '\n',
    );

    const run = await runImportCli(gateway.apiKey, [
      file,
      '--kind',
      'events',
      '--url',
      gateway.url,
      '--batch-size',
      '2',
    ]);

    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      run.stdout.trim(),
      `imported ${file}: read 7, created 3, updated 0, unchanged 1, rejected 3; errors: ${file}.errors.jsonl`,
    );
    assert.equal(await storedEvents(ids), 3);
    const errors = (await readJsonLines(`${file}.errors.jsonl`)) as {
      line: number;
      code: string;
      row: unknown;
    }[];
    assert.deepEqual(
      errors.map((e) => [e.line, e.code]),
      [
        [3, 'PARSE_ERROR'],
        [6, 'BAD_USER_INPUT'],
        [7, 'BAD_USER_INPUT'],
      ],
    );
    assert.equal(errors[0]!.row, '{"messageId": "broken');
    assert.deepEqual((errors[1]!.row as { identity: unknown }).identity, {
      type: 'email',
      value: 'not-an-email',
    });
    assert.equal(await exists(`${file}.c360-import.json`), false);
  });

  it('imports CSV with identity and properties.* columns, reporting bad rows by line', async () => {
    const visitor = randomUUID();
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const file = path.join(dir.path, 'events.csv');
    await writeFile(
      file,
      [
        'messageId,type,anonymous_id,email,occurredAt,properties.productId,properties.price',
        `${ids[0]},purchase,${visitor},,2026-02-01T10:00:00Z,p-9,9.5`,
        `${ids[1]},view,${visitor},,,p-8,`,
        `${randomUUID()},view,,not-an-email,,p-7,1`,
        `${randomUUID()},view,${visitor}`,
        `${ids[2]},VIEW,${visitor},,,"p-6, the big one",2`,
      ].join('\n') + '\n',
    );

    const run = await runImportCli(gateway.apiKey, [
      file,
      '--kind',
      'events',
      '--url',
      gateway.url,
    ]);

    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /read 5, created 3, updated 0, unchanged 0, rejected 2;/);
    assert.deepEqual(
      ((await readJsonLines(`${file}.errors.jsonl`)) as { line: number; code: string }[]).map(
        (e) => [e.line, e.code],
      ),
      [
        [4, 'BAD_USER_INPUT'],
        [5, 'PARSE_ERROR'],
      ],
    );
    const timeline = await execute(gateway.url, CustomerTimelineDocument, {
      type: 'ANONYMOUS_ID',
      value: visitor,
      first: 10,
      types: ['PURCHASE'],
    });
    assert.deepEqual(
      timeline.data?.customerByIdentity?.events?.edges.map((e) => ({
        messageId: e.node.messageId,
        properties: e.node.properties as unknown,
        occurredAt: e.node.occurredAt,
      })),
      [
        {
          messageId: ids[0],
          properties: { productId: 'p-9', price: 9.5 },
          occurredAt: '2026-02-01T10:00:00.000Z',
        },
      ],
    );
    assert.equal(await storedEvents(ids), 3);
  });

  it('stops when the gateway goes down, keeps the checkpoint, and resumes without resending', async () => {
    const ids = Array.from({ length: 10 }, () => randomUUID());
    const visitor = randomUUID();
    const file = path.join(dir.path, 'resume.jsonl');
    await writeFile(file, ids.map((id) => event(id, visitor)).join('\n') + '\n');
    const proxy = await failingProxy(gateway.url, 2);

    const interrupted = await runImportCli(gateway.apiKey, [
      file,
      '--kind',
      'events',
      '--url',
      proxy.url,
      '--batch-size',
      '2',
    ]);
    await proxy.close();

    assert.equal(interrupted.code, 1);
    assert.match(interrupted.stderr, /import stopped: .*HTTP 503/);
    assert.equal(await storedEvents(ids), 4);
    const checkpoint = JSON.parse(await readFile(`${file}.c360-import.json`, 'utf8')) as {
      line: number;
    };
    assert.equal(checkpoint.line, 4);

    const resumed = await runImportCli(gateway.apiKey, [
      file,
      '--kind',
      'events',
      '--url',
      gateway.url,
      '--batch-size',
      '2',
    ]);

    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /resuming after line 4/);
    assert.match(resumed.stdout, /read 10, created 10, updated 0, unchanged 0, rejected 0;/);
    assert.equal(await storedEvents(ids), 10);
    assert.equal(await exists(`${file}.c360-import.json`), false);
  });

  it('stops at once without a valid API key, storing nothing and naming the problem', async () => {
    const file = path.join(dir.path, 'unauthenticated.jsonl');
    const messageId = randomUUID();
    await writeFile(
      file,
      `${JSON.stringify({ messageId, type: 'view', identity: { type: 'anonymous_id', value: messageId } })}\n`,
    );

    const missing = await runImportCli(null, [file, '--kind', 'events', '--url', gateway.url]);
    const wrong = await runImportCli('c360_00000000_not-a-real-key', [
      file,
      '--kind',
      'events',
      '--url',
      gateway.url,
      '--restart',
    ]);

    for (const run of [missing, wrong]) {
      assert.notEqual(run.code, 0);
      assert.match(run.stderr, /UNAUTHENTICATED|API key/);
    }
    assert.equal(missing.code, 2, 'a usage error, caught before any request');
    assert.match(missing.stderr, /--api-key <key> or set C360_API_KEY/);
    const { rows } = await gateway.backends.postgres.query(
      'SELECT 1 FROM events WHERE message_id = $1',
      [messageId],
    );
    assert.equal(rows.length, 0);
  });

  it('refuses to resume a file that changed since its checkpoint, until told --restart', async () => {
    const ids = Array.from({ length: 6 }, () => randomUUID());
    const visitor = randomUUID();
    const file = path.join(dir.path, 'changed.jsonl');
    await writeFile(
      file,
      ids
        .slice(0, 5)
        .map((id) => event(id, visitor))
        .join('\n') + '\n',
    );
    const proxy = await failingProxy(gateway.url, 1);
    const interrupted = await runImportCli(gateway.apiKey, [
      file,
      '--kind',
      'events',
      '--url',
      proxy.url,
      '--batch-size',
      '2',
    ]);
    await proxy.close();
    assert.equal(interrupted.code, 1);
    await appendFile(file, event(ids[5]!, visitor) + '\n');

    const refused = await runImportCli(gateway.apiKey, [
      file,
      '--kind',
      'events',
      '--url',
      gateway.url,
    ]);
    const restarted = await runImportCli(gateway.apiKey, [
      file,
      '--kind',
      'events',
      '--url',
      gateway.url,
      '--restart',
    ]);

    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /--restart/);
    assert.equal(await storedEvents(ids), 6);
    assert.equal(restarted.code, 0, restarted.stderr);
    assert.match(restarted.stdout, /read 6, created 4, updated 0, unchanged 2, rejected 0;/);
  });
});
