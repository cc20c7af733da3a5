import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { dependenciesOf, hasReferences } from '../../../src/modules/segment/rule/dependencies.js';
import type { Rule } from '../../../src/modules/segment/rule/rule.js';

/**
 * What the time tick watches in a rule: the clock (windows, ages) and the vectors similarity
 * compares with, which move without the members doing anything.
 */
describe('the references of a rule', () => {
  it('a similarity names its customer or product, and does not move with the clock', () => {
    const deps = dependenciesOf({
      any: [
        { similarTo: { customerId: 'c1', maxDistance: 0.2 } },
        { similarTo: { productId: 'p1', maxDistance: 0.2 } },
      ],
    });
    assert.deepEqual([...deps.references.customerIds], ['c1']);
    assert.deepEqual([...deps.references.productIds], ['p1']);
    assert.equal(deps.timeDependent, false);
    assert.equal(hasReferences(deps), true);
  });

  it('a relative’s similarity is the segment’s too', () => {
    const rule: Rule = {
      relationship: {
        type: 'SPOUSE_OF',
        direction: 'outgoing',
        to: { similarTo: { customerId: 'c2', maxDistance: 0.3 } },
      },
    };
    assert.deepEqual([...dependenciesOf(rule).references.customerIds], ['c2']);
  });

  it('rules without similarity have none', () => {
    assert.equal(hasReferences(dependenciesOf({ identity: { type: 'EMAIL' } })), false);
  });
});
