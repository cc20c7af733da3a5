import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';

import { buildSchema, parse, validate } from 'graphql';

/** The page's operations module, as the build copies it beside the compiled code. */
const OPERATIONS = new URL('../../src/dashboard/operations.js', import.meta.url);
const SCHEMA = new URL('../../../schema/schema.graphql', import.meta.url);

describe("the dashboard's GraphQL operations", () => {
  it('are valid against the committed schema', async () => {
    const schema = buildSchema(await readFile(SCHEMA, 'utf8'));
    const operations = (await import(OPERATIONS.href)) as Record<
      string,
      string | ((since: Date) => string)
    >;
    const documents = Object.entries(operations).map(
      ([name, operation]) =>
        [name, typeof operation === 'function' ? operation(new Date()) : operation] as const,
    );

    assert.ok(documents.length >= 6, 'every operation the page sends is checked');
    for (const [name, source] of documents) {
      assert.deepEqual(
        validate(schema, parse(source)).map((error) => error.message),
        [],
        name,
      );
    }
  });
});
