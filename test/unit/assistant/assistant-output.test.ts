import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { TextModelError } from '../../../src/datasources/text-model.js';
import type { Fact } from '../../../src/modules/assistant/assistant.kinds.js';
import {
  OUTPUT_LIMITS,
  plainText,
  segmentFrom,
  statementsFrom,
} from '../../../src/modules/assistant/assistant.output.js';

const facts: Fact[] = [
  { citation: { kind: 'EVENT', id: 'e-1' }, text: 'Event purchase', personal: false },
  { citation: { kind: 'SEGMENT', id: 's-1' }, text: 'Member of "VIP"', personal: false },
];

describe('plainText', () => {
  it('removes markup, control and invisible characters, and caps the length', () => {
    assert.equal(plainText('<a href="x">Buy</a> now!\u0007\u200b', 100), 'Buy now!');
    assert.equal(plainText('1 < 2 and 3 > 2', 100), '1 2 and 3 2');
    assert.equal(plainText('x'.repeat(50), 10), `${'x'.repeat(9)}…`);
  });
});

describe('statementsFrom', () => {
  it('maps handles back to citations and drops handles it did not give', () => {
    const statements = statementsFrom(
      {
        statements: [
          { text: 'Bought and is a VIP.', citations: ['F1', '[F2]', 'F3', 'f1'] },
          { text: 'Made up.', citations: ['F9'] },
        ],
      },
      facts,
    );
    assert.deepEqual(statements, [
      { text: 'Bought and is a VIP.', citations: [facts[0]!.citation, facts[1]!.citation] },
    ]);
  });

  it(`keeps at most ${OUTPUT_LIMITS.statements} statements`, () => {
    const many = Array.from({ length: 40 }, () => ({ text: 'ok', citations: ['F1'] }));
    assert.equal(statementsFrom({ statements: many }, facts).length, OUTPUT_LIMITS.statements);
  });

  it('refuses another shape as INVALID_OUTPUT', () => {
    assert.throws(
      () => statementsFrom({ text: 'free' }, facts),
      (error: unknown) => error instanceof TextModelError && error.reason === 'INVALID_OUTPUT',
    );
  });
});

describe('segmentFrom', () => {
  it('parses the rule’s JSON text, and refuses text that is not JSON', () => {
    assert.deepEqual(segmentFrom({ rule: '{"not":{}}', explanation: '<b>x</b>' }), {
      rule: { not: {} },
      explanation: 'x',
    });
    assert.throws(() => segmentFrom({ rule: 'plan = gold', explanation: '' }), TextModelError);
  });
});
