/**
 * What fitting the local text vectors costs on a real catalogue: MovieLens latest-small (9,742
 * movies; title, genres and users' tags as text), read from the shared data folder.
 *
 *   npm run build && npm run bench:text-vectors      (BENCH_DIMENSIONS, default 64)
 *
 * Prints wall-clock times; the machines are shared, so compare runs on the same machine only.
 */
import { performance } from 'node:perf_hooks';

import {
  fitTextVectors,
  TextVectorModel,
} from '../src/modules/recommendation/model/text-vectors.js';
import { loadMovieLensMovies } from '../test/support/movielens.js';

const DIMENSIONS = Number(process.env['BENCH_DIMENSIONS'] ?? 64);

function timed<T>(label: string, work: () => T): T {
  const started = performance.now();
  const result = work();
  console.log(`${label.padEnd(28)} ${(performance.now() - started).toFixed(0).padStart(7)} ms`);
  return result;
}

function main(): void {
  const movies = timed('read movies.csv + tags.csv', loadMovieLensMovies);
  if (movies === null) {
    console.error('MovieLens data not found: set C360_SHARED_DATA');
    process.exitCode = 1;
    return;
  }
  const model = timed(`fit ${movies.length} movies`, () =>
    fitTextVectors(movies, { dimensions: DIMENSIONS }),
  );
  timed(`embed ${movies.length} movies`, () => movies.map((movie) => model.embed(movie.text)));
  const bytes = timed('serialize', () => model.serialize());
  timed('deserialize', () => TextVectorModel.deserialize(bytes));
  console.log(
    `model ${model.name}: ${model.vocabularySize} terms, ${model.dimensions} dimensions, ` +
      `${(bytes.length / 1024 / 1024).toFixed(1)} MiB serialized`,
  );
}

main();
