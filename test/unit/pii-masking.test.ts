import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { detectPersonal } from '../../src/modules/access/pii.detectors.js';
import { PiiMasking } from '../../src/modules/access/pii.masking.js';

describe('detectPersonal', () => {
  it('recognises e-mail addresses, phone numbers, cards, IBANs and IP addresses', () => {
    assert.equal(detectPersonal('ada@example.com'), 'email');
    assert.equal(detectPersonal('write to ada@example.com please'), 'email');
    assert.equal(detectPersonal('+44 20 7946 0958'), 'phone');
    assert.equal(detectPersonal('(202) 555-0143'), 'phone');
    assert.equal(detectPersonal('4111 1111 1111 1111'), 'card');
    assert.equal(detectPersonal('GB82 WEST 1234 5698 7654 32'), 'iban');
    assert.equal(detectPersonal('192.168.10.7'), 'ip');
    assert.equal(detectPersonal('2001:db8::8a2e:370:7334'), 'ip');
  });

  it('leaves ids, dates, amounts and words alone', () => {
    for (const value of [
      'p-7',
      'gold',
      '2026-11-29',
      '2026-11-29T10:00:00Z',
      '19.99',
      'SKU-000042',
    ]) {
      assert.equal(detectPersonal(value), null, value);
    }
    assert.equal(detectPersonal('4111 1111 1111 1112'), 'phone', 'a failed Luhn check is no card');
  });
});

describe('PiiMasking', () => {
  const masking = new PiiMasking(['plan', 'interests']);

  it('keeps only allowed keys, at any depth, and still masks personal values under them', () => {
    assert.deepEqual(
      masking.maskJson({
        plan: 'gold',
        Interests: ['jazz', 'ada@example.com'],
        surname: 'Lovelace',
        work_email: 'ada@example.com',
        nested: { plan: 'x' },
      }),
      {
        plan: 'gold',
        Interests: ['jazz', 'a•••@e•••.com'],
        surname: '•••',
        work_email: 'a•••@e•••.com',
        nested: '•••',
      },
    );
  });

  it('calls a value personal when a key without read:pii would see it changed', () => {
    assert.equal(masking.isPersonal('json', { plan: 'gold' }), false);
    assert.equal(masking.isPersonal('json', { surname: 'Lovelace' }), true);
    assert.equal(masking.isPersonal('identity', 'user-42', 'user_id'), false);
    assert.equal(masking.isPersonal('identity', 'ada@example.com', 'user_id'), true);
  });

  it('masks an opaque list item by item, keeping the items that do not look personal', () => {
    assert.deepEqual(masking.mask('opaque', ['hiking', 'ada@example.com']), [
      'hiking',
      'a•••@e•••.com',
    ]);
    assert.equal(masking.isPersonal('opaque', ['hiking', 'jazz']), false);
  });
});
