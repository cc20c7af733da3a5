import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { segmentFromPhrases } from '../../../src/modules/assistant/segment-phrases.js';

describe('segmentFromPhrases', () => {
  it('reads purchases with a count and a window, joined with a consent', () => {
    assert.deepEqual(
      segmentFromPhrases(
        'Customers who bought at least 2 times in the last 30 days and consented to marketing.',
      ),
      {
        rule: {
          and: [
            {
              event: {
                type: 'purchase',
                aggregate: 'COUNT',
                op: 'GREATER_OR_EQUAL',
                value: 2,
                window: { last: 30, unit: 'DAYS' },
              },
            },
            { consent: { purpose: 'MARKETING', granted: true } },
          ],
        },
        reading: 'at least 2 purchase events in the last 30 days, and MARKETING consent granted',
      },
    );
  });

  it('reads churn risk as a fraction or a percentage, plans and identities', () => {
    assert.deepEqual(segmentFromPhrases('churn risk above 70%')?.rule, {
      prediction: { measure: 'CHURN_RISK', op: 'GREATER_THAN', value: 0.7 },
    });
    assert.deepEqual(segmentFromPhrases('customers on the gold plan')?.rule, {
      trait: { key: 'plan', op: 'EQUALS', value: 'gold' },
    });
    assert.deepEqual(segmentFromPhrases('people with a phone number')?.rule, {
      identity: { type: 'PHONE' },
    });
    assert.deepEqual(segmentFromPhrases('users who viewed twice this week')?.rule, {
      event: {
        type: 'view',
        aggregate: 'COUNT',
        op: 'GREATER_OR_EQUAL',
        value: 2,
        window: { last: 7, unit: 'DAYS' },
      },
    });
  });

  it('proposes nothing when any part is not understood', () => {
    assert.equal(segmentFromPhrases('customers who love jazz'), null);
    assert.equal(segmentFromPhrases('bought twice and love jazz'), null);
    assert.equal(segmentFromPhrases(''), null);
  });
});
