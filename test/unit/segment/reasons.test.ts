import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { reasonFor } from '../../../src/modules/segment/evaluation/reasons.js';
import { leavesOf, type Rule } from '../../../src/modules/segment/rule/rule.js';

/** The sentence a dashboard shows for an entry or an exit, and the conditions behind it. */
describe('why a customer entered or left', () => {
  const rule: Rule = {
    all: [
      { trait: { key: 'plan', op: 'equals', value: 'silver' } },
      { trait: { key: 'country', op: 'equals', value: 'NL' } },
    ],
  };
  const leaves = leavesOf(rule);
  const redefined = { kind: 'definition', version: 2 } as const;

  it('names what stopped holding, with what it was, when the same rule version was stored', () => {
    const reason = reasonFor(
      false,
      leaves,
      [true, false],
      [true, true],
      {
        kind: 'change',
        change: { kind: 'profile' },
      },
      1,
    );
    assert.deepEqual(
      reason.conditions.map((c) => [c.path, c.was, c.now]),
      [[leaves[1]!.path, true, false]],
    );
    assert.match(reason.summary, /^left \(profile changed\): no longer: /);
  });

  it('after a redefinition, names the new conditions not met, without claiming they held', () => {
    const reason = reasonFor(false, leaves, [false, true], null, redefined, 2);
    assert.deepEqual(
      reason.conditions.map((c) => [c.path, c.was, c.now]),
      [[leaves[0]!.path, null, false]],
    );
    assert.match(reason.summary, /^left \(segment defined or changed \(version 2\)\): not met: /);
    assert.doesNotMatch(reason.summary, /no longer/);
  });

  it('leaving on a change with no values of this version stored, names what the change undid', () => {
    const reason = reasonFor(
      false,
      leaves,
      [false, true],
      null,
      { kind: 'change', change: { kind: 'profile' } },
      2,
    );
    assert.deepEqual(
      reason.conditions.map((c) => [c.path, c.now]),
      [[leaves[0]!.path, false]],
    );
  });

  it('entering on a definition, names the conditions that hold', () => {
    const reason = reasonFor(true, leaves, [true, true], null, redefined, 2);
    assert.equal(reason.conditions.length, 2);
    assert.ok(reason.conditions.every((c) => c.now && c.was === null));
  });
});
