import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import { CustomerProfileDocument } from '../../__generated__/graphql.js';
import { execute } from '../../support/graphql-client.js';
import { TEST_SERVICES } from '../../support/services.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

const CLI = fileURLToPath(new URL('../../../src/cli/c360.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `c360 <args>` as an operator runs it: a child process with exactly `env`. */
function c360(args: string[], env: Record<string, string>): Promise<Run> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe('c360 keys', () => {
  let gateway: TestApp;
  let env: Record<string, string>;

  before(async () => {
    gateway = await createTestApp();
    env = { DATABASE_URL: gateway.database.url, REDIS_URL: TEST_SERVICES.redisUrl };
  });

  after(async () => {
    await gateway.stop();
  });

  const profile = (apiKey: string) =>
    execute(gateway.url, CustomerProfileDocument, { id: randomUUID() }, { apiKey });

  it('create prints the key alone on stdout, list shows it, revoke refuses it at once', async () => {
    const name = `ci-${randomUUID()}`;
    const created = await c360(['keys', 'create', '--name', name, '--scopes', 'READ,write'], env);

    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /^c360_[0-9a-f]{8}_[\w-]{43}\n$/, 'one line, the key');
    const key = created.stdout.trim();
    assert.equal((await profile(key)).errors, undefined, 'the key works over HTTP');

    const listed = await c360(['keys', 'list'], env);
    assert.equal(listed.code, 0, listed.stderr);
    const prefix = key.split('_').slice(0, 2).join('_');
    const line = listed.stdout.split('\n').find((l) => l.includes(prefix));
    assert.ok(line, listed.stdout);
    assert.match(line, new RegExp(`${name}\\s+${prefix}\\s+READ,WRITE\\s`));
    assert.doesNotMatch(listed.stdout, new RegExp(key.slice(-20)), 'no secret listed');
    const id = line.split(/\s+/)[0]!;

    const revoked = await c360(['keys', 'revoke', id], env);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal((await profile(key)).errors?.[0]?.extensions?.['code'], 'UNAUTHENTICATED');
    const relisted = await c360(['keys', 'list'], env);
    assert.doesNotMatch(relisted.stdout.split('\n').find((l) => l.startsWith(id)) ?? '', /\s-$/);
  });

  it('names scopes as GraphQL does, still accepting the read:pii spelling', async () => {
    const name = `scopes-${randomUUID()}`;
    const created = await c360(
      ['keys', 'create', '--name', name, '--scopes', 'read_pii,read:pii,Write'],
      env,
    );
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stderr, /\(c360_[0-9a-f]{8}, READ_PII,WRITE\)/);

    // The key lacks READ: the refusal names the scope as the schema's ApiKeyScope does.
    const answer = await profile(created.stdout.trim());
    const error = answer.errors?.find((e) => e.extensions?.['code'] === 'FORBIDDEN');
    assert.equal(error?.extensions?.['requiredScope'], 'READ');
    assert.match(error.message, /lacks the READ scope/);
  });

  it('rejects an unknown scope with exit code 2 and writes nothing', async () => {
    const before = await gateway.backends.postgres.query('SELECT 1 FROM api_keys');
    const run = await c360(['keys', 'create', '--name', 'x', '--scopes', 'read,superuser'], env);

    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /unknown scope: superuser; use any of READ, READ_PII, WRITE, ADMIN/);
    const after = await gateway.backends.postgres.query('SELECT 1 FROM api_keys');
    assert.equal(after.rowCount, before.rowCount);
  });

  it('explains what to do with the embedded database instead of opening it', async () => {
    const run = await c360(['keys', 'list'], {});

    assert.equal(run.code, 1);
    assert.match(run.stderr, /DATABASE_URL is not set/);
    assert.match(run.stderr, /createApiKey/);
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  });
});
