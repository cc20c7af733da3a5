import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { splitCypherStatements } from '../../src/datasources/neo4j.js';
import { statementName } from '../../src/datasources/postgres.js';
import { alignToKeys, groupToKeys } from '../../src/lib/align-to-keys.js';

describe('statementName', () => {
  it('reads the name from the leading comment', () => {
    assert.equal(statementName('/* customer.findByIds */\n SELECT 1'), 'customer.findByIds');
    assert.equal(statementName('SELECT 1'), 'unnamed');
  });
});

describe('splitCypherStatements', () => {
  it('splits on semicolons and drops comment lines', () => {
    const text =
      '// why\nCREATE CONSTRAINT a IF NOT EXISTS\nFOR (c:C) REQUIRE c.id IS UNIQUE;\n\n// next\nCREATE INDEX b IF NOT EXISTS FOR (p:P) ON (p.x);\n';

    assert.deepEqual(splitCypherStatements(text), [
      'CREATE CONSTRAINT a IF NOT EXISTS\nFOR (c:C) REQUIRE c.id IS UNIQUE',
      'CREATE INDEX b IF NOT EXISTS FOR (p:P) ON (p.x)',
    ]);
  });
});

describe('alignToKeys', () => {
  it('returns one entry per key in key order, null for a missing row', () => {
    assert.deepEqual(
      alignToKeys(['b', 'x', 'a'], [{ id: 'a' }, { id: 'b' }], (r) => r.id),
      [{ id: 'b' }, null, { id: 'a' }],
    );
  });

  it('groups rows per key, an empty list for a key without rows', () => {
    assert.deepEqual(
      groupToKeys(
        ['a', 'b'],
        [
          { k: 'a', v: 1 },
          { k: 'a', v: 2 },
        ],
        (r) => r.k,
      ),
      [
        [
          { k: 'a', v: 1 },
          { k: 'a', v: 2 },
        ],
        [],
      ],
    );
  });
});
