import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ConfigError, loadConfig } from '../../src/config.js';
import { createSilentLogger } from '../../src/logger.js';
import {
  DEVELOPMENT_PEPPER,
  resolveSuppressionPepper,
  suppressionPepperFile,
} from '../../src/modules/privacy/suppression-pepper.js';

describe('resolveSuppressionPepper', () => {
  const logger = createSilentLogger();
  const DATABASE_URL = 'postgresql://c360@db.example:5432/c360';
  let dataDir: string;

  before(async () => {
    dataDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'c360-pepper-')), 'data');
  });

  after(async () => {
    await rm(path.dirname(dataDir), { recursive: true, force: true });
  });

  it('keeps a generated pepper in the embedded data folder, readable by its owner only, and reuses it on every start', async () => {
    const config = loadConfig({ C360_DATA_DIR: dataDir });

    const first = await resolveSuppressionPepper(config, logger);
    const second = await resolveSuppressionPepper(config, logger);

    assert.equal(second, first);
    assert.ok(first.length >= 32);
    assert.notEqual(first, DEVELOPMENT_PEPPER);
    const { mode } = await stat(suppressionPepperFile(dataDir));
    assert.equal(mode & 0o777, 0o600);
  });

  it('uses SUPPRESSION_PEPPER when it is set, with or without DATABASE_URL', async () => {
    const pepper = 'a-deployment-secret-of-32-chars-or-more';

    for (const env of [{}, { DATABASE_URL }, { DATABASE_URL, NODE_ENV: 'production' }]) {
      const config = loadConfig({ ...env, C360_DATA_DIR: dataDir, SUPPRESSION_PEPPER: pepper });
      assert.equal(await resolveSuppressionPepper(config, logger), pepper);
    }
  });

  it('refuses production with DATABASE_URL and no pepper, saying what to set', async () => {
    const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL });

    await assert.rejects(resolveSuppressionPepper(config, logger), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /SUPPRESSION_PEPPER: required in production with DATABASE_URL/);
      return true;
    });
  });

  it('lets development and test runs against a configured database share the public development pepper', async () => {
    for (const NODE_ENV of ['development', 'test']) {
      const config = loadConfig({ NODE_ENV, DATABASE_URL });
      assert.equal(await resolveSuppressionPepper(config, logger), DEVELOPMENT_PEPPER);
    }
  });
});
