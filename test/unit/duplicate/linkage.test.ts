import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  blockingKeys,
  compareProfiles,
  emailLocal,
  type LinkageProfile,
  nameTokens,
  phoneKey,
} from '../../../src/modules/duplicate/linkage.features.js';
import {
  fitEm,
  levelWeight,
  PRIOR_MODEL,
  scorePair,
} from '../../../src/modules/duplicate/linkage.model.js';
import { candidatePairs, linkPopulation } from '../../../src/modules/duplicate/linkage.scan.js';
import { mulberry32 } from '../../../src/lib/seeded-random.js';

const profile = (id: string, over: Partial<LinkageProfile> = {}): LinkageProfile => ({
  id,
  nameTokens: [],
  emailLocals: [],
  phones: [],
  postcode: null,
  devices: [],
  ...over,
});

describe('linkage features', () => {
  it('normalises e-mail local parts across tags, dots, case and domains', () => {
    assert.equal(emailLocal('Ada.Lovelace+news@Example.com'), 'adalovelace');
    assert.equal(emailLocal('adalovelace@other.org'), 'adalovelace');
    assert.equal(emailLocal('not-an-address'), null);
  });

  it('keys phones by their last nine digits and names by plain tokens', () => {
    assert.equal(phoneKey('+44 20 7946 0958'), phoneKey('020 7946 0958'));
    assert.deepEqual(nameTokens('  Zoë  O’Brien '), ['zoe', 'o', 'brien']);
  });

  it('puts swapped first and last names with one postcode in the same block', () => {
    const a = profile('a', { nameTokens: ['ada', 'lovelace'], postcode: 'N16QX' });
    const b = profile('b', { nameTokens: ['lovelace', 'ada'], postcode: 'N16QX' });
    assert.deepEqual(blockingKeys(a), blockingKeys(b));
    assert.deepEqual(candidatePairs([a, b], 10), [{ a: 'a', b: 'b', blockingKinds: ['name'] }]);
  });

  it('compares fields to agreement levels, null where a side lacks the field', () => {
    const a = profile('a', { nameTokens: ['jon', 'smith'], emailLocals: ['js'], phones: ['1'] });
    const b = profile('b', { nameTokens: ['john', 'smith'], emailLocals: ['js'], postcode: 'X' });
    assert.deepEqual(compareProfiles(a, b), {
      name: 1, // jon/john: Jaro-Winkler 0.933, close
      emailLocal: 0,
      phone: null,
      postcode: null,
      device: null,
    });
  });

  it('skips blocks larger than the bound and pairs already decided', () => {
    const shared = ['d1'];
    const many = ['a', 'b', 'c'].map((id) => profile(id, { devices: shared }));
    assert.equal(candidatePairs(many, 2).length, 0);
    assert.deepEqual(
      candidatePairs(many, 3, (a, b) => a === 'a' && b === 'b').map((p) => `${p.a}${p.b}`),
      ['ac', 'bc'],
    );
  });
});

describe('linkage model', () => {
  it('weighs a level as log2(m/u): the prior e-mail agreement is log2(0.8/0.0005) = 10.6', () => {
    assert.equal(levelWeight(PRIOR_MODEL, 'emailLocal', 0), Math.log2(0.8 / 0.0005));
    assert.ok(Math.abs(levelWeight(PRIOR_MODEL, 'postcode', 1) - Math.log2(0.15 / 0.95)) < 1e-12);
  });

  it('adds the prior odds and each present field’s weight, and turns it into a posterior', () => {
    const score = scorePair(PRIOR_MODEL, {
      name: 0,
      emailLocal: null,
      phone: null,
      postcode: 1,
      device: null,
    });
    // log2(0.1/0.9) + log2(0.75/0.0005) + log2(0.15/0.95), by hand:
    const expected = -3.169925 + 10.550747 - 2.662965;
    assert.ok(Math.abs(score.matchWeight - expected) < 1e-6, String(score.matchWeight));
    // 2^4.717857 = 26.31..., so the posterior is 26.31 / 27.31
    assert.ok(Math.abs(score.confidence - 0.963391) < 1e-5, String(score.confidence));
    assert.deepEqual(
      score.evidence.map((e) => [e.field, e.level]),
      [
        ['name', 'exact'],
        ['postcode', 'different'],
      ],
    );
  });

  it('recovers lambda, m and u of a mixture it was generated from (EM, started from the priors)', () => {
    const random = mulberry32(7);
    const pick = (p: readonly number[]) => {
      let r = random();
      for (let i = 0; i < p.length; i += 1) {
        r -= p[i]!;
        if (r < 0) {
          return i;
        }
      }
      return p.length - 1;
    };
    const truth = { ...PRIOR_MODEL, lambda: 0.3 };
    const u = { ...PRIOR_MODEL.u, postcode: [0.3, 0.7], name: [0.05, 0.05, 0.1, 0.8] };
    const vectors = Array.from({ length: 20_000 }, () => {
      const model = random() < truth.lambda ? truth.m : u;
      return {
        name: pick(model.name),
        emailLocal: pick(model.emailLocal),
        phone: pick(model.phone),
        postcode: pick(model.postcode),
        device: pick(model.device),
      };
    });
    const fitted = fitEm(vectors);
    assert.ok(fitted !== null);
    assert.equal(fitted.source, 'em');
    assert.ok(Math.abs(fitted.u.postcode[0]! - 0.3) < 0.03, `u postcode ${fitted.u.postcode[0]}`);
    assert.ok(Math.abs(fitted.lambda - 0.3) < 0.02, `lambda ${fitted.lambda}`);
    assert.ok(Math.abs(fitted.m.emailLocal[0]! - 0.8) < 0.03, `m email ${fitted.m.emailLocal[0]}`);
    assert.ok(Math.abs(fitted.m.name[0]! - 0.75) < 0.03, `m name ${fitted.m.name[0]}`);
  });

  it('scores a typo’d duplicate sharing an e-mail local part above two relatives sharing a device', () => {
    const people = [
      profile('1', { nameTokens: ['grace', 'hopper'], emailLocals: ['ghopper'], postcode: 'A1' }),
      profile('2', { nameTokens: ['grace', 'hoper'], emailLocals: ['ghopper'], postcode: 'A1' }),
      profile('3', { nameTokens: ['alan', 'turing'], devices: ['tv'], postcode: 'B2' }),
      profile('4', { nameTokens: ['ethel', 'turing'], devices: ['tv'], postcode: 'B2' }),
    ];
    const { model, pairs } = linkPopulation(people);
    assert.equal(model.source, 'priors');
    const confidence = (a: string, b: string) =>
      pairs.find((p) => p.a === a && p.b === b)?.confidence ?? 0;
    assert.ok(confidence('1', '2') > 0.99, String(confidence('1', '2')));
    assert.ok(confidence('3', '4') < 0.5, String(confidence('3', '4')));
  });
});
