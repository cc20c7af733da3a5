import { readFileSync } from 'node:fs';
import path from 'node:path';

import { parse } from 'csv-parse/sync';

import { sharedDataFile } from './shared-data.js';

/** A MovieLens movie as a catalogue item: its text is the title, genres and users' tags. */
export interface Movie {
  readonly id: string;
  readonly title: string;
  readonly genres: readonly string[];
  readonly text: string;
}

/**
 * The movies of MovieLens "latest-small" (GroupLens; 9,742 movies, 3,683 tags) read from the
 * shared data folder, never from the repository; `null` when the data is not there.
 */
export function loadMovieLensMovies(): Movie[] | null {
  const moviesCsv = sharedDataFile('movielens-latest-small/movies.csv');
  if (moviesCsv === null) {
    return null;
  }
  const read = (file: string) =>
    parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<
      string,
      string
    >[];
  const tags = new Map<string, string[]>();
  for (const { movieId, tag } of read(path.join(path.dirname(moviesCsv), 'tags.csv'))) {
    tags.set(movieId!, [...(tags.get(movieId!) ?? []), tag!]);
  }
  return read(moviesCsv).map(({ movieId, title, genres }) => {
    const genreList = genres === '(no genres listed)' ? [] : genres!.split('|');
    return {
      id: movieId!,
      title: title!,
      genres: genreList,
      text: [title, ...genreList, ...(tags.get(movieId!) ?? [])].join(' \n'),
    };
  });
}
