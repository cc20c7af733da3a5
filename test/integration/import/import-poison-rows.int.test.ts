import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { access, chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  bodyLimitProxy,
  failingProxy,
  readJsonLines,
  runImportCli,
  tempDir,
} from '../../support/import-cli.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

interface ReportedRow {
  line: number;
  code: string;
  message: string;
  row: unknown;
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

const event = (messageId: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    messageId,
    identity: { type: 'anonymous_id', value: `visitor-${messageId}` },
    type: 'view',
    ...extra,
  });

/** An event line of exactly `bytes` bytes, padded in its properties. */
const eventOfBytes = (messageId: string, bytes: number) => {
  const line = (pad: string) => event(messageId, { properties: { pad } });
  return line('x'.repeat(bytes - Buffer.byteLength(line(''))));
};

const modeOf = async (file: string) => (await stat(file)).mode & 0o777;

describe('c360 import skips poison rows', () => {
  let gateway: TestApp;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const importFile = (file: string, kind: string, ...options: string[]) =>
    runImportCli(gateway.apiKey, [file, '--kind', kind, '--url', gateway.url, ...options]);
  const reported = async (file: string) =>
    (await readJsonLines(`${file}.errors.jsonl`)) as ReportedRow[];
  const storedEvents = async (messageIds: readonly string[]) =>
    Number(
      (
        await gateway.backends.postgres.query<{ n: string }>(
          'SELECT count(*) AS n FROM events WHERE message_id = ANY($1::text[])',
          [messageIds],
        )
      ).rows[0]!.n,
    );
  /** Each user id's customer (display name and traits), or null where there is none. */
  const customersOf = async (userIds: readonly string[]) => {
    const { rows } = await gateway.backends.postgres.query<{
      value: string;
      display_name: string;
      traits: Record<string, unknown>;
    }>(
      `SELECT i.value, c.display_name, c.traits FROM identities i
         JOIN customers c ON c.id = i.customer_id
        WHERE i.type = 'user_id' AND i.value = ANY($1::text[])`,
      [userIds],
    );
    const byUser = new Map(rows.map((r) => [r.value, { name: r.display_name, traits: r.traits }]));
    return userIds.map((userId) => byUser.get(userId) ?? null);
  };
  const userIds = (n: number) => Array.from({ length: n }, () => `u-${randomUUID()}`);

  before(async () => {
    gateway = await createTestApp();
    dir = await tempDir();
  });

  after(async () => {
    await dir.remove();
    await gateway.stop();
  });

  it('reports a row too large for one request to the gateway as ROW_TOO_LARGE and imports the rows around it', async () => {
    const users = userIds(4);
    const file = path.join(dir.path, 'too-large.csv');
    await writeFile(
      file,
      [
        'displayName,user_id,traits.note',
        `Ann,${users[0]},short`,
        // 700 KB in the file but 1.4 MB as JSON, where every backslash is sent as two: under
        // the line limit, over the gateway's 1 MB request body limit.
        `Big,${users[1]},${'\\'.repeat(700_000)}`,
        `Cat,${users[2]},x`,
        `Dan,${users[3]},y`,
      ].join('\n') + '\n',
    );

    const run = await importFile(file, 'customers', '--batch-size', '2');

    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /read 4, created 3, updated 0, unchanged 0, rejected 1;/);
    const errors = await reported(file);
    assert.deepEqual(
      errors.map((e) => [e.line, e.code, e.row]),
      [[3, 'ROW_TOO_LARGE', null]],
    );
    assert.match(errors[0]!.message, /bytes/);
    assert.deepEqual(
      (await customersOf(users)).map((c) => c?.name ?? null),
      ['Ann', null, 'Cat', 'Dan'],
    );
    assert.equal(await exists(`${file}.c360-import.json`), false);
  });

  it('splits a batch refused with HTTP 413 by a proxy before the gateway, reporting only the row refused alone', async () => {
    const ids = Array.from({ length: 7 }, () => randomUUID());
    const file = path.join(dir.path, 'proxied.jsonl');
    await writeFile(
      file,
      ids
        .map((id, i) =>
          event(id, {
            properties: { note: (i === 3 ? 'y' : 'x').repeat(i === 3 ? 20_000 : 3_000) },
          }),
        )
        .join('\n') + '\n',
    );
    const proxy = await bodyLimitProxy(gateway.url, 16_384);

    const run = await runImportCli(gateway.apiKey, [file, '--kind', 'events', '--url', proxy.url]);
    await proxy.close();

    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /read 7, created 6, updated 0, unchanged 0, rejected 1;/);
    assert.deepEqual(
      (await reported(file)).map((e) => [e.line, e.code]),
      [[4, 'ROW_TOO_LARGE']],
    );
    assert.equal(await storedEvents(ids.filter((_, i) => i !== 3)), 6);
    assert.equal(await storedEvents([ids[3]!]), 0);
  });

  it('reports a line longer than --max-line-bytes as LINE_TOO_LONG without its content, and reads on', async () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const file = path.join(dir.path, 'long-line.jsonl');
    await writeFile(
      file,
      [
        event(ids[0]!),
        event(ids[1]!, { properties: { secret: `SECRET-${'z'.repeat(2_000)}` } }),
        // Exactly at the limit, ended by CRLF: the line break does not count.
        `${eventOfBytes(ids[2]!, 1_024)}\r`,
      ].join('\n') + '\n',
    );

    const run = await importFile(file, 'events', '--max-line-bytes', '1024');

    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /read 3, created 2, updated 0, unchanged 0, rejected 1;/);
    const errors = await reported(file);
    assert.deepEqual(
      errors.map((e) => [e.line, e.code, e.row]),
      [[2, 'LINE_TOO_LONG', null]],
    );
    assert.match(errors[0]!.message, /1024 bytes.*--max-line-bytes/);
    assert.doesNotMatch(await readFile(`${file}.errors.jsonl`, 'utf8'), /SECRET/);
    assert.equal(await storedEvents([ids[0]!, ids[2]!]), 2);
    assert.equal(await storedEvents([ids[1]!]), 0);
  });

  it('reads on after a CSV line longer than --max-line-bytes, also one inside a quoted multi-line cell', async () => {
    const users = userIds(4);
    const file = path.join(dir.path, 'long-line.csv');
    await writeFile(
      file,
      [
        'displayName,user_id,traits.note',
        `Ann,${users[0]},short`,
        `Big,${users[1]},${'b'.repeat(300)}`,
        `Cat,${users[2]},"a note that starts here,`,
        `${'c'.repeat(300)} and goes on "" quoting`,
        'and ends here"',
        `Dan,${users[3]},"two`,
        'lines"',
      ].join('\n') + '\n',
    );

    const run = await importFile(file, 'customers', '--max-line-bytes', '256');

    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /read 4, created 2, updated 0, unchanged 0, rejected 2;/);
    assert.deepEqual(
      (await reported(file)).map((e) => [e.line, e.code, e.row]),
      [
        [3, 'LINE_TOO_LONG', null],
        [6, 'LINE_TOO_LONG', null],
      ],
    );
    const [ann, big, cat, dan] = await customersOf(users);
    assert.equal(ann?.name, 'Ann');
    assert.equal(big, null);
    assert.equal(cat, null);
    assert.deepEqual(dan?.traits, { note: 'two\nlines' });
  });

  it('still imports a CSV with a byte order mark, CRLF line endings and a quoted multi-line cell', async () => {
    const users = userIds(3);
    const file = path.join(dir.path, 'windows.csv');
    await writeFile(
      file,
      '\uFEFF' +
        [
          'displayName,user_id,traits.note',
          `Ann,${users[0]},"one\ntwo"`,
          `,${users[1]},nameless`,
          `Cat,${users[2]},"say ""hi"""`,
        ].join('\r\n') +
        '\r\n',
    );

    const run = await importFile(file, 'customers');

    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /read 3, created 2, updated 0, unchanged 0, rejected 1;/);
    assert.deepEqual(
      (await reported(file)).map((e) => [e.line, e.code]),
      [[4, 'BAD_USER_INPUT']],
    );
    const [ann, , cat] = await customersOf(users);
    assert.deepEqual(ann?.traits, { note: 'one\ntwo' });
    assert.deepEqual(cat?.traits, { note: 'say "hi"' });
  });

  it('refuses a JSONL line that is not valid UTF-8 with PARSE_ERROR, suggesting --encoding latin1', async () => {
    const users = userIds(3);
    const file = path.join(dir.path, 'mixed-encoding.jsonl');
    const customer = (name: string, userId: string) =>
      JSON.stringify({ displayName: name, identities: [{ type: 'user_id', value: userId }] }) +
      '\n';
    await writeFile(
      file,
      Buffer.concat([
        Buffer.from(customer('Zoë Ann', users[0]!), 'utf8'),
        Buffer.from(customer('Zoë Bea', users[1]!), 'latin1'),
        Buffer.from(customer('Cat', users[2]!), 'utf8'),
      ]),
    );

    const run = await importFile(file, 'customers');

    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /read 3, created 2, updated 0, unchanged 0, rejected 1;/);
    const errors = await reported(file);
    assert.deepEqual(
      errors.map((e) => [e.line, e.code]),
      [[2, 'PARSE_ERROR']],
    );
    assert.match(errors[0]!.message, /UTF-8.*--encoding latin1/);
    assert.deepEqual(
      (await customersOf(users)).map((c) => c?.name ?? null),
      ['Zoë Ann', null, 'Cat'],
    );
  });

  it('imports a Latin-1 (Windows-1252) CSV with --encoding latin1, which UTF-8 refuses row by row', async () => {
    const users = userIds(2);
    const file = path.join(dir.path, 'latin1.csv');
    await writeFile(
      file,
      Buffer.from(
        [
          'displayName,user_id,traits.note',
          `Zoë Núñez,${users[0]},Preis: 5 \x80`, // 0x80 is the euro sign in Windows-1252
          `Ann,${users[1]},plain`,
        ].join('\n') + '\n',
        'latin1',
      ),
    );

    const asUtf8 = await importFile(file, 'customers');
    const asLatin1 = await importFile(file, 'customers', '--encoding', 'latin1', '--restart');

    assert.equal(asUtf8.code, 0, asUtf8.stderr);
    assert.match(asUtf8.stdout, /read 2, created 1, updated 0, unchanged 0, rejected 1;/);
    assert.equal(asLatin1.code, 0, asLatin1.stderr);
    assert.match(asLatin1.stdout, /read 2, created 1, updated 1, unchanged 0, rejected 0;/);
    const [zoe] = await customersOf(users);
    assert.equal(zoe?.name, 'Zoë Núñez');
    assert.deepEqual(zoe?.traits, { note: 'Preis: 5 €' });
  });

  it('rejects a row holding a NUL character or a lone surrogate with BAD_USER_INPUT, importing the rest of its batch', async () => {
    const ids = Array.from({ length: 5 }, () => randomUUID());
    const file = path.join(dir.path, 'nul.jsonl');
    await writeFile(
      file,
      [
        event(ids[0]!),
        event(ids[1]!, { properties: { note: 'a\u0000b' } }),
        event(ids[2]!, { name: 'signup\u0000' }),
        event(ids[3]!, { properties: { note: 'half a pair: \ud800' } }),
        event(ids[4]!),
      ].join('\n') + '\n',
    );

    const run = await importFile(file, 'events');

    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /read 5, created 2, updated 0, unchanged 0, rejected 3;/);
    const errors = await reported(file);
    assert.deepEqual(
      errors.map((e) => [e.line, e.code]),
      [
        [2, 'BAD_USER_INPUT'],
        [3, 'BAD_USER_INPUT'],
        [4, 'BAD_USER_INPUT'],
      ],
    );
    assert.match(errors[0]!.message, /properties\.note .*NUL/);
    assert.match(errors[1]!.message, /name .*NUL/);
    assert.match(errors[2]!.message, /properties\.note .*surrogate/);
    assert.equal(await storedEvents([ids[0]!, ids[4]!]), 2);
  });

  it('rejects a row nested too deeply to send as JSON with BAD_USER_INPUT instead of stopping the import', async () => {
    const ids = [randomUUID(), randomUUID()];
    const file = path.join(dir.path, 'deep.jsonl');
    const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    await writeFile(
      file,
      [
        `{"messageId":"${ids[0]}","identity":{"type":"anonymous_id","value":"v"},"type":"view","properties":${deep}}`,
        event(ids[1]!),
      ].join('\n') + '\n',
    );

    const run = await importFile(file, 'events');

    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /read 2, created 1, updated 0, unchanged 0, rejected 1;/);
    assert.deepEqual(
      (await reported(file)).map((e) => [e.line, e.code, e.row]),
      [[1, 'BAD_USER_INPUT', null]],
    );
    assert.equal(await storedEvents([ids[1]!]), 1);
  });

  it('keeps the errors file readable by its owner only (0600): new, replacing an older one, and resumed', async () => {
    const ids = Array.from({ length: 4 }, () => randomUUID());
    const file = path.join(dir.path, 'private.jsonl');
    await writeFile(file, ['{broken', ...ids.map((id) => event(id))].join('\n') + '\n');
    const elsewhere = path.join(dir.path, 'reports', 'private-errors.jsonl');
    await mkdir(path.dirname(elsewhere));
    await writeFile(`${file}.errors.jsonl`, 'an older report\n', { mode: 0o644 });
    await chmod(`${file}.errors.jsonl`, 0o644);

    const fresh = await importFile(file, 'events', '--errors', elsewhere);
    const replaced = await importFile(file, 'events');
    assert.equal(fresh.code, 0, fresh.stderr);
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.equal(await modeOf(elsewhere), 0o600);
    assert.equal(await modeOf(`${file}.errors.jsonl`), 0o600);

    const proxy = await failingProxy(gateway.url, 1);
    const interrupted = await runImportCli(gateway.apiKey, [
      file,
      '--kind',
      'events',
      '--url',
      proxy.url,
      '--batch-size',
      '2',
      '--restart',
    ]);
    await proxy.close();
    await chmod(`${file}.errors.jsonl`, 0o644);
    const resumed = await importFile(file, 'events', '--batch-size', '2');

    assert.equal(interrupted.code, 1);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /resuming after line/);
    assert.equal(await modeOf(`${file}.errors.jsonl`), 0o600);
    assert.deepEqual(
      (await reported(file)).map((e) => [e.line, e.code]),
      [[1, 'PARSE_ERROR']],
    );
  });
});
