import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { loadEnvFile } from '../../src/lib/env-file.js';

describe('loadEnvFile', () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'c360-env-'));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('adds what the environment leaves unset, and the environment wins, even when empty', async () => {
    const file = path.join(dir, '.env');
    await writeFile(
      file,
      [
        '# a comment',
        'PORT=5000',
        'LOG_LEVEL=debug',
        'CORS_ORIGINS=',
        'DATABASE_URL="postgresql://c360:s3cret@db:5432/c360"',
        "GEMINI_API_KEY='from file'",
      ].join('\n'),
    );
    const env: NodeJS.ProcessEnv = {
      PORT: '4001',
      CORS_ORIGINS: 'http://a.example',
      LOG_LEVEL: '',
    };

    const taken = loadEnvFile(env, file);

    assert.deepEqual(env, {
      PORT: '4001',
      CORS_ORIGINS: 'http://a.example',
      LOG_LEVEL: '',
      DATABASE_URL: 'postgresql://c360:s3cret@db:5432/c360',
      GEMINI_API_KEY: 'from file',
    });
    assert.deepEqual(taken.sort(), ['DATABASE_URL', 'GEMINI_API_KEY']);
  });

  it('changes nothing when there is no file', () => {
    const env: NodeJS.ProcessEnv = { PORT: '4001' };
    assert.deepEqual(loadEnvFile(env, path.join(dir, 'missing.env')), []);
    assert.deepEqual(env, { PORT: '4001' });
  });
});
