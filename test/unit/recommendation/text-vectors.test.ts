import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { LocalTextEmbedder } from '../../../src/modules/recommendation/model/local-text-embedder.js';
import {
  fitTextVectors,
  TextVectorModel,
} from '../../../src/modules/recommendation/model/text-vectors.js';

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, v, i) => sum + v * b[i]!, 0);

const CATALOGUE = [
  { id: 'travel-1', text: 'Beach holiday in Spain: flights, hotel and sunshine by the sea' },
  { id: 'travel-2', text: 'Summer holidays: beach resort packages with flights and hotel' },
  { id: 'travel-3', text: 'City break travel with flights, a hotel and guided tours' },
  { id: 'travel-4', text: 'Travel insurance for your holiday abroad and your flights' },
  { id: 'toys-1', text: 'Wooden toys for toddlers: building blocks and puzzles' },
  { id: 'toys-2', text: 'Board games and puzzles, toys for children of all ages' },
  { id: 'toys-3', text: 'Soft toys and dolls for children, a gift for toddlers' },
  { id: 'toys-4', text: 'Toy cars and building blocks for children' },
  { id: 'mortgages-1', text: 'Fixed-rate mortgage with a low interest rate for first-time buyers' },
  { id: 'mortgages-2', text: 'Remortgage your home: compare mortgage interest rates' },
  { id: 'mortgages-3', text: 'Buy-to-let mortgages, interest-only or repayment loans' },
  { id: 'mortgages-4', text: 'Home loans and mortgages with a fixed rate of interest' },
];

const byId = (model: TextVectorModel, id: string) =>
  model.embed(CATALOGUE.find((document) => document.id === id)!.text);

describe('fitTextVectors', () => {
  it('gives the same name and vectors for the same documents, in whatever order', () => {
    const a = fitTextVectors(CATALOGUE, { dimensions: 3 });
    const b = fitTextVectors([...CATALOGUE].reverse(), { dimensions: 3 });

    assert.equal(a.name, b.name);
    assert.match(a.name, /^local-text:v1-[0-9a-f]{12}$/);
    for (const { text } of CATALOGUE) {
      assert.deepEqual(a.embed(text), b.embed(text));
    }
  });

  it('gives a refit on other documents another name', () => {
    const a = fitTextVectors(CATALOGUE, { dimensions: 3 });
    const b = fitTextVectors(CATALOGUE.slice(1), { dimensions: 3 });

    assert.notEqual(a.name, b.name);
  });

  for (const dimensions of [3, 64]) {
    it(`keeps travel, toys and mortgages apart and travel together (${dimensions} dimensions)`, () => {
      const model = fitTextVectors(CATALOGUE, { dimensions });
      const travel = byId(model, 'travel-1');

      assert.ok(cosine(travel, byId(model, 'travel-2')) > 0.4);
      assert.ok(cosine(byId(model, 'toys-1'), byId(model, 'toys-4')) > 0.4);
      for (const [a, b] of [
        ['travel-1', 'toys-2'],
        ['travel-2', 'mortgages-1'],
        ['toys-1', 'mortgages-2'],
      ] as const) {
        const similarity = cosine(byId(model, a), byId(model, b));
        assert.ok(Math.abs(similarity) < 0.1, `${a} ~ ${b}: ${similarity}`);
      }
    });
  }

  it('caps the dimensions at the number of documents and the vocabulary size', () => {
    assert.equal(fitTextVectors(CATALOGUE).dimensions, CATALOGUE.length);
    const tiny = fitTextVectors([
      { id: '1', text: 'red apples' },
      { id: '2', text: 'green pears' },
      { id: '3', text: 'red pears' },
    ]);
    // 'red' and 'pears' are in 2 of 3 documents (> 50 %): only apples and green are left.
    assert.equal(tiny.vocabularySize, 2);
    assert.equal(tiny.dimensions, 2);
  });

  it('ranks travel documents first for the query "beach holiday"', () => {
    const model = fitTextVectors(CATALOGUE, { dimensions: 3 });
    const query = model.embed('beach holiday');

    const ranked = CATALOGUE.map(({ id, text }) => ({
      id,
      score: cosine(query, model.embed(text)),
    }))
      .sort((a, b) => b.score - a.score)
      .map(({ id }) => id);

    assert.deepEqual(ranked.slice(0, 4).sort(), ['travel-1', 'travel-2', 'travel-3', 'travel-4']);
  });

  it('returns unit vectors, and the zero vector (not NaN) for unknown words', () => {
    const model = fitTextVectors(CATALOGUE, { dimensions: 3 });

    assert.ok(Math.abs(Math.hypot(...model.embed('toys for toddlers')) - 1) < 1e-6);
    for (const text of ['zebra quantum xylophone', '', 'the and of 1995']) {
      const vector = model.embed(text);
      assert.equal(vector.length, 3);
      assert.ok(vector.every((value) => value === 0));
    }
  });

  it('refuses documents without a single vocabulary term', () => {
    assert.throws(() => fitTextVectors([{ id: '1', text: 'the 2024' }]), RangeError);
  });
});

describe('TextVectorModel.serialize', () => {
  it('round-trips to a model with the same name and the same vectors', () => {
    const model = fitTextVectors(CATALOGUE, { dimensions: 5 });
    const copy = TextVectorModel.deserialize(model.serialize());

    assert.equal(copy.name, model.name);
    assert.equal(copy.dimensions, 5);
    assert.equal(copy.vocabularySize, model.vocabularySize);
    for (const text of ['beach holiday', 'mortgage interest', 'wooden toys']) {
      assert.deepEqual(copy.embed(text), model.embed(text));
    }
  });

  it('refuses bytes that are not a model, or are truncated', () => {
    const bytes = fitTextVectors(CATALOGUE, { dimensions: 3 }).serialize();

    assert.throws(
      () => TextVectorModel.deserialize(Buffer.from('hello world, not a model')),
      /not a c360/,
    );
    assert.throws(
      () => TextVectorModel.deserialize(bytes.subarray(0, bytes.length - 4)),
      /do not fit/,
    );
  });
});

describe('LocalTextEmbedder', () => {
  it('embeds in order under the fitted model’s name, queries like documents', async () => {
    const model = fitTextVectors(CATALOGUE, { dimensions: 3 });
    const embedder = new LocalTextEmbedder(model);

    const texts = ['beach holiday', 'toy cars'];
    const vectors = await embedder.embed(texts, 'document');

    assert.equal(embedder.model, model.name);
    assert.equal(embedder.dimensions, 3);
    assert.deepEqual(
      vectors,
      texts.map((text) => model.embed(text)),
    );
    assert.deepEqual(await embedder.embed(texts, 'query'), vectors);
  });
});
