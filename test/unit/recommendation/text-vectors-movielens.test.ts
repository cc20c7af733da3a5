import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import {
  fitTextVectors,
  type TextVectorModel,
} from '../../../src/modules/recommendation/model/text-vectors.js';
import { loadMovieLensMovies, type Movie } from '../../support/movielens.js';

const MOVIES = loadMovieLensMovies();
const skip = MOVIES === null && 'the MovieLens data was not found (set C360_SHARED_DATA)';

const cosine = (a: Float32Array, b: Float32Array) => {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) {
    sum += a[i]! * b[i]!;
  }
  return sum;
};

const jaccard = (a: readonly string[], b: readonly string[]) => {
  const union = new Set([...a, ...b]);
  return union.size === 0 ? 0 : a.filter((genre) => b.includes(genre)).length / union.size;
};

describe('fitTextVectors on MovieLens (9,742 movies: titles, genres, tags)', { skip }, () => {
  const movies = MOVIES ?? [];
  let model: TextVectorModel;
  let vectors: Float32Array[];

  const nearest = (i: number, count: number) =>
    movies
      .map((_, j) => ({ j, score: cosine(vectors[i]!, vectors[j]!) }))
      .filter(({ j }) => j !== i)
      .sort((a, b) => b.score - a.score)
      .slice(0, count)
      .map(({ j }) => movies[j]!);

  before(() => {
    model = fitTextVectors(movies, { dimensions: 64 });
    vectors = movies.map((movie) => model.embed(movie.text));
  });

  it('fits 64 dimensions and gives every movie a vector', () => {
    assert.equal(model.dimensions, 64);
    assert.ok(vectors.every((vector) => vector.some((value) => value !== 0)));
  });

  it('puts Animation/Children movies next to "Toy Story (1995)" far more often than chance', () => {
    const isForChildren = (movie: Movie) =>
      movie.genres.includes('Animation') || movie.genres.includes('Children');
    const toyStory = movies.findIndex((movie) => movie.title === 'Toy Story (1995)');

    const share = nearest(toyStory, 10).filter(isForChildren).length / 10;
    const baseRate = movies.filter(isForChildren).length / movies.length;

    assert.ok(share >= 0.8, `share of the 10 nearest: ${share}`);
    assert.ok(share > 4 * baseRate, `share ${share}, base rate ${baseRate}`);
  });

  it('gives sampled movies nearest neighbours that share their genres more than random movies', () => {
    const sample = Array.from({ length: 200 }, (_, k) => (k * 7_919) % movies.length);
    let neighbours = 0;
    let random = 0;
    for (const i of sample) {
      neighbours += jaccard(movies[i]!.genres, nearest(i, 1)[0]!.genres);
      random += jaccard(movies[i]!.genres, movies[(i * 31 + 17) % movies.length]!.genres);
    }

    assert.ok(
      neighbours > 2 * random,
      `genre overlap: nearest ${neighbours / 200}, random ${random / 200}`,
    );
  });
});
