import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';

import { pino } from 'pino';

import { spawnGateway } from '../../support/gateway-process.js';
import { createTestApp } from '../../support/test-app.js';

describe('gateway start-up', () => {
  it('refuses a malformed configuration with one clear message listing every problem', async () => {
    const gateway = spawnGateway({
      PORT: 'four-thousand',
      DATABASE_URL: 'mysql://db/c360',
      NODE_ENV: 'staging',
    });

    assert.equal(await gateway.exited, 1);
    const stderr = gateway.stderr();
    assert.match(stderr, /c360 could not start: invalid configuration/);
    assert.match(stderr, /PORT: /);
    assert.match(stderr, /DATABASE_URL: must start with postgres:\/\/ or postgresql:\/\//);
    assert.match(stderr, /NODE_ENV: /);
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  });

  it('refuses to start in production with DATABASE_URL but no SUPPRESSION_PEPPER, before it connects to anything', async () => {
    const gateway = spawnGateway({
      NODE_ENV: 'production',
      // Unreachable on purpose: the refusal must come before any connection is tried.
      DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none',
    });

    assert.equal(await gateway.exited, 1);
    assert.match(
      gateway.stderr(),
      /c360 could not start: invalid configuration:\n\s+- SUPPRESSION_PEPPER: required in production with DATABASE_URL/,
    );
    assert.doesNotMatch(gateway.stderr(), /did not answer/);
    assert.doesNotMatch(gateway.stderr(), /\n\s+at /, 'no stack trace');
  });

  it('explains how to fix an unreachable PostgreSQL instead of hanging', async () => {
    const gateway = spawnGateway({
      DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none',
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
    });

    assert.equal(await gateway.exited, 1);
    assert.match(
      gateway.stderr(),
      /c360 could not start: PostgreSQL at postgresql:\/\/127.0.0.1:1\/none did not answer: .*Check DATABASE_URL/,
    );
    assert.doesNotMatch(gateway.stderr(), /\n\s+at /, 'no stack trace');
  });

  it('says what to install when the embedded Neo4j has no Java to run on', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'c360-nojava-'));
    try {
      // Node itself is started by absolute path; java and mvn are simply not on this PATH.
      const gateway = spawnGateway({ PATH: '/nonexistent', C360_DATA_DIR: dataDir, PORT: '0' });

      assert.equal(await gateway.exited, 1);
      assert.match(
        gateway.stderr(),
        /c360 could not start: NEO4J_URI is not set, so c360 starts an embedded Neo4j, which needs Java 17 or newer on the PATH/,
      );
      assert.match(gateway.stderr(), /set NEO4J_URI/);
      assert.doesNotMatch(gateway.stderr(), /\n\s+at /, 'no stack trace');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('warns at start when PostgreSQL runs without autovacuum, and only then', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    const gateway = await createTestApp({ logger });
    try {
      const { rows } = await gateway.backends.postgres.query<{ autovacuum: string }>(
        'SHOW autovacuum',
      );
      const warned = lines.some((line) => line.includes('without autovacuum'));
      // This project's machines run PostgreSQL with autovacuum off; elsewhere it is on.
      assert.equal(warned, rows[0]!.autovacuum === 'off', lines.join(''));
    } finally {
      await gateway.stop();
    }
  });
});
