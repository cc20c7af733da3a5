import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { failingProxy, readJsonLines, runImportCli, tempDir } from '../../support/import-cli.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

interface ReportedRow {
  line: number;
  code: string;
  message: string;
  row: unknown;
}

const event = (messageId: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    messageId,
    identity: { type: 'anonymous_id', value: `visitor-${messageId}` },
    type: 'view',
    ...extra,
  });

const modeOf = async (file: string) => (await stat(file)).mode & 0o777;

describe('c360 import skips poison rows', () => {
  let gateway: TestApp;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const importFile = (file: string, kind: string, ...options: string[]) =>
    runImportCli(gateway.apiKey, [file, '--kind', kind, '--url', gateway.url, ...options]);
  const reported = async (file: string) =>
    (await readJsonLines(`${file}.errors.jsonl`)) as ReportedRow[];

  before(async () => {
    gateway = await createTestApp();
    dir = await tempDir();
  });

  after(async () => {
    await dir.remove();
    await gateway.stop();
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
