import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, it } from 'node:test';

import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('starts on embedded defaults when no store URL is given', () => {
    const config = loadConfig({});

    assert.equal(config.http.port, 4000);
    assert.equal(config.postgres.url, null);
    assert.equal(config.neo4j.uri, null);
    assert.equal(config.redis.url, null);
    assert.equal(config.http.exposeSchema, true);
    assert.ok(Object.isFrozen(config.postgres));
  });

  it('reports every malformed value at once, naming each variable', () => {
    assert.throws(
      () =>
        loadConfig({
          PORT: 'http',
          DATABASE_URL: 'mysql://db',
          REDIS_URL: 'localhost:6379',
          LOG_LEVEL: 'loud',
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.problems.length, 4);
        for (const name of ['PORT', 'DATABASE_URL', 'REDIS_URL', 'LOG_LEVEL']) {
          assert.match(error.message, new RegExp(`${name}: `));
        }
        return true;
      },
    );
  });

  it('runs one worker by default, one per core on auto, and several only on shared stores', () => {
    const stores = {
      DATABASE_URL: 'postgres://db/c360',
      NEO4J_URI: 'bolt://graph:7687',
      REDIS_URL: 'redis://cache:6379',
    };
    assert.equal(loadConfig({}).workers, 1);
    assert.equal(loadConfig({ ...stores, WORKERS: 'auto' }).workers, availableParallelism());
    assert.equal(loadConfig({ ...stores, WORKERS: '3' }).workers, 3);
    assert.throws(
      () => loadConfig({ WORKERS: '2', DATABASE_URL: stores.DATABASE_URL }),
      /WORKERS: 2 workers need configured stores they can share; set NEO4J_URI, REDIS_URL/,
    );
    assert.throws(() => loadConfig({ ...stores, WORKERS: '0' }), /WORKERS: /);
  });

  it('turns the schema off and CORS to the explicit list in production', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      CORS_ORIGINS: 'https://shop.example, https://crm.example',
    });

    assert.equal(config.http.exposeSchema, false);
    assert.deepEqual(config.http.corsOrigins, ['https://shop.example', 'https://crm.example']);
    assert.deepEqual(loadConfig({ NODE_ENV: 'production' }).http.corsOrigins, []);
  });

  it('logs JSON in production and readably on a terminal elsewhere, unless LOG_FORMAT says', () => {
    assert.equal(loadConfig({ NODE_ENV: 'production' }).log.format, 'json');
    assert.equal(loadConfig({}).log.format, 'auto');
    assert.equal(loadConfig({ LOG_FORMAT: 'json' }).log.format, 'json');
    assert.equal(loadConfig({ NODE_ENV: 'production', LOG_FORMAT: 'pretty' }).log.format, 'pretty');
    assert.throws(() => loadConfig({ LOG_FORMAT: 'xml' }), /LOG_FORMAT/);
  });

  it('treats an empty store URL as unset', () => {
    assert.equal(loadConfig({ DATABASE_URL: '', REDIS_URL: ' ' }).postgres.url, null);
  });

  it('accepts custom identity kinds, refusing malformed names and built-in ones', () => {
    assert.deepEqual(
      loadConfig({ IDENTITY_CUSTOM_TYPES: 'loyalty_card, shop_id' }).customIdentityTypes,
      ['loyalty_card', 'shop_id'],
    );
    assert.throws(
      () => loadConfig({ IDENTITY_CUSTOM_TYPES: 'Loyalty-Card,email' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.problems.length, 2);
        assert.match(error.message, /IDENTITY_CUSTOM_TYPES\.0: names are lower-case/);
        assert.match(error.message, /IDENTITY_CUSTOM_TYPES\.1: names a built-in identity type/);
        return true;
      },
    );
  });

  it('takes SUPPRESSION_PEPPER as a secret of 32 characters or more, never echoing a short one', () => {
    assert.equal(loadConfig({}).privacy.suppressionPepper, null);
    assert.equal(
      loadConfig({ SUPPRESSION_PEPPER: ` ${'p'.repeat(32)} ` }).privacy.suppressionPepper,
      'p'.repeat(32),
    );
    assert.throws(
      () => loadConfig({ SUPPRESSION_PEPPER: 'hunter2' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /SUPPRESSION_PEPPER: must be at least 32 characters/);
        assert.doesNotMatch(error.message, /hunter2/);
        return true;
      },
    );
  });

  it('embeds with Gemini only given GEMINI_API_KEY, with bounded batches and defaults', () => {
    assert.equal(loadConfig({ GEMINI_API_KEY: ' ' }).gemini.apiKey, null);
    const config = loadConfig({ GEMINI_API_KEY: 'key', GEMINI_BASE_URL: 'http://127.0.0.1:9' });

    assert.equal(config.gemini.apiKey, 'key');
    assert.equal(config.gemini.baseUrl, 'http://127.0.0.1:9');
    assert.deepEqual(config.gemini.embedding, {
      model: 'gemini-embedding-001',
      dimensions: 256,
      batchSize: 100,
      concurrency: 4,
    });
    assert.throws(
      () => loadConfig({ GEMINI_EMBEDDING_BATCH_SIZE: '101', GEMINI_BASE_URL: 'proxy:8080' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /GEMINI_EMBEDDING_BATCH_SIZE: /);
        assert.match(error.message, /GEMINI_BASE_URL: must start with http:\/\/ or https:\/\//);
        return true;
      },
    );
  });

  it('reads recommendation variants from JSON, with everyone in control by default', () => {
    assert.deepEqual(loadConfig({}).recommendation.variants, []);
    const config = loadConfig({
      RECOMMENDATION_VARIANTS: '[{"name":"pop-heavy","share":0.2,"weights":{"POPULARITY":0.6}}]',
    });
    assert.deepEqual(config.recommendation.variants, [
      { name: 'pop-heavy', share: 0.2, weights: { POPULARITY: 0.6 } },
    ]);
    assert.equal(config.recommendation.experiment, 'recommendations');
  });

  it('refuses bad recommendation variants with a message naming the problem', () => {
    const problems = (value: string) => {
      try {
        loadConfig({ RECOMMENDATION_VARIANTS: value });
      } catch (error) {
        assert.ok(error instanceof ConfigError);
        return error.message;
      }
      return assert.fail(`accepted ${value}`);
    };
    assert.match(problems('pop-heavy'), /RECOMMENDATION_VARIANTS: must be a JSON list of variants/);
    assert.match(
      problems('[{"name":"a","share":0.5,"weights":{"POPULARITY":1,"MAGIC":2}}]'),
      /RECOMMENDATION_VARIANTS\.0\.weights: unknown source "MAGIC"; sources are COLLABORATIVE, /,
    );
    assert.match(
      problems('[{"name":"a","share":0.6,"weights":{}},{"name":"b","share":0.5,"weights":{}}]'),
      /RECOMMENDATION_VARIANTS: shares sum to 1.1, more than 1/,
    );
    assert.match(
      problems('[{"name":"a","share":0,"weights":{}}]'),
      /RECOMMENDATION_VARIANTS\.0\.share: share must be above 0/,
    );
    assert.match(
      problems('[{"name":"a","share":0.1,"weights":{}},{"name":"a","share":0.1,"weights":{}}]'),
      /variant names repeat: a/,
    );
    assert.match(problems('[{"name":"control","share":0.1,"weights":{}}]'), /default blend/);
    assert.match(problems('[{"name":"Big One","share":0.1,"weights":{}}]'), /variant name is/);
  });

  it('loads demo data by default only in development, and in production only when asked', () => {
    assert.equal(loadConfig({}).demoData, true);
    assert.equal(loadConfig({ NODE_ENV: 'production' }).demoData, false);
    assert.equal(loadConfig({ NODE_ENV: 'test' }).demoData, false);
    assert.equal(loadConfig({ NODE_ENV: 'production', DEMO_DATA: 'on' }).demoData, true);
    assert.equal(loadConfig({ DEMO_DATA: 'off' }).demoData, false);
  });
});
