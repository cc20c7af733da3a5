import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { PiiMasking } from '../../../src/modules/access/pii.masking.js';
import {
  templateAnswer,
  templateSummary,
} from '../../../src/modules/assistant/assistant.templates.js';
import {
  type CustomerRecord,
  customerFacts,
} from '../../../src/modules/assistant/customer-facts.js';

const at = new Date('2026-11-30T10:00:00Z');
const record: CustomerRecord = {
  id: 'c-1',
  displayName: 'Ada Lovelace',
  email: 'ada@example.com',
  traits: { plan: 'gold', home: '12 Baker Street', interests: ['ada@example.com', 'maths'] },
  interestKeywords: ['maths', '+44 20 7946 0958'],
  identities: [
    { type: 'email', value: 'ada@example.com' },
    { type: 'anonymous_id', value: 'visitor-7' },
  ],
  consents: [{ purpose: 'ai', granted: true }],
  events: [
    {
      id: 'e-1',
      type: 'purchase',
      name: 'checkout',
      properties: { plan: 'gold', phone: '555 0100 123' },
      occurredAt: at,
    },
  ],
  relatives: [{ relativeId: 'c-2', relation: 'SPOUSE' }],
  segments: [{ segmentId: 's-1', name: 'VIP', since: at }],
  prediction: { churnRisk: 0.25, pAlive: 0.9, clv: 120.5, rfmSegment: 'champions', computedAt: at },
  interactions: [
    {
      kind: 'PURCHASED',
      itemId: 'p-1',
      itemKind: 'product',
      itemName: 'Tent',
      count: 2,
      lastAt: at,
    },
  ],
};
const masking = new PiiMasking();

describe('customerFacts', () => {
  it('leaves every personal value out for a key without READ_PII, not even masked', () => {
    const facts = customerFacts(record, { masking, unmasked: false });
    const text = facts.map((f) => f.text).join('\n');
    for (const hidden of ['Ada', 'ada@', 'Baker', '7946', '0100', '•••']) {
      assert.ok(!text.includes(hidden), `${hidden} leaked: ${text}`);
    }
    assert.match(text, /Trait plan: "gold"/);
    assert.match(text, /Known by an identifier of type anonymous_id: visitor-7/);
    assert.match(text, /Known by an identifier of type email$/m);
    assert.match(text, /Event purchase "checkout" with \{"plan":"gold"\} on 2026-11-30/);
    assert.match(text, /Has a spouse \(another customer\)/);
    assert.match(text, /Churn risk: 25 %/);
    assert.ok(facts.every((f) => !f.personal));
  });

  it('includes personal values for a key with READ_PII, marking them for the audit', () => {
    const facts = customerFacts(record, { masking, unmasked: true });
    const personal = facts.filter((f) => f.personal).map((f) => f.text);
    assert.ok(personal.includes('Name: Ada Lovelace'));
    assert.ok(personal.some((t) => t.includes('Baker Street')));
    assert.ok(!personal.some((t) => t.startsWith('Trait plan')));
  });
});

describe('templates', () => {
  const facts = customerFacts(record, { masking, unmasked: false });

  it('summarise one statement per kind of fact, each citing its facts', () => {
    const statements = templateSummary(facts);
    assert.deepEqual(
      statements.map((s) => s.text.split(':')[0]),
      [
        'Profile',
        'Identifiers',
        'Consents',
        'Recent activity',
        'Relationships',
        'Segments',
        'Predictions',
        'Catalogue interactions',
      ],
    );
    assert.ok(statements.every((s) => s.citations.length > 0));
    assert.deepEqual(templateSummary(facts), statements, 'deterministic');
  });

  it('answer with the facts sharing words with the question, or nothing', () => {
    const [answer] = templateAnswer(facts, 'What is the churn risk?');
    assert.deepEqual(answer!.citations, [{ kind: 'PREDICTION', id: 'churnRisk' }]);
    assert.deepEqual(templateAnswer(facts, 'zzz'), []);
  });
});
