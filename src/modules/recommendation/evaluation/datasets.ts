import { createReadStream } from 'node:fs';
import path from 'node:path';

import { parse } from 'csv-parse';

import { type EvalItem } from './serving.js';
import { type Rating } from './split.js';

/** What an evaluation reads: ratings (to be split, or already split) and the catalogue. */
export interface Dataset {
  ratings: Rating[];
  items: EvalItem[];
}

/**
 * Interactions with the header `user_id,item_id,rating,timestamp`. An empty rating means
 * implicit feedback (the row is a positive); the timestamp is not used by the protocol.
 */
export async function readInteractionsCsv(file: string): Promise<Rating[]> {
  const ratings: Rating[] = [];
  for await (const row of records(file, ['user_id', 'item_id', 'rating'])) {
    ratings.push({
      userId: row['user_id']!,
      itemId: row['item_id']!,
      rating: parseRating(row['rating']!, file),
    });
  }
  return ratings;
}

/** Items with the header `item_id,title,categories,keywords`; lists are separated by `|`. */
export async function readItemsCsv(file: string): Promise<EvalItem[]> {
  const items: EvalItem[] = [];
  for await (const row of records(file, ['item_id', 'title', 'categories', 'keywords'])) {
    items.push({
      itemId: row['item_id']!,
      title: row['title']!,
      categories: splitList(row['categories']!),
      keywords: splitList(row['keywords']!),
    });
  }
  return items;
}

/**
 * A MovieLens folder (ml-latest-small and its larger siblings): ratings.csv, movies.csv (genres
 * → categories; "(no genres listed)" → none) and tags.csv, if present (distinct tags → keywords).
 */
export async function readMovieLens(directory: string): Promise<Dataset> {
  const ratings: Rating[] = [];
  for await (const row of records(path.join(directory, 'ratings.csv'), [
    'userId',
    'movieId',
    'rating',
  ])) {
    ratings.push({
      userId: row['userId']!,
      itemId: row['movieId']!,
      rating: parseRating(row['rating']!, 'ratings.csv'),
    });
  }
  const keywords = new Map<string, Map<string, string>>();
  const tagsFile = path.join(directory, 'tags.csv');
  for await (const row of records(tagsFile, ['movieId', 'tag'], { optional: true })) {
    const tag = row['tag']!.trim();
    let tags = keywords.get(row['movieId']!);
    if (!tags) {
      tags = new Map();
      keywords.set(row['movieId']!, tags);
    }
    // "Dark comedy" and "dark comedy" are one keyword; the first spelling seen is kept.
    if (tag !== '' && !tags.has(tag.toLowerCase())) {
      tags.set(tag.toLowerCase(), tag);
    }
  }
  const items: EvalItem[] = [];
  for await (const row of records(path.join(directory, 'movies.csv'), [
    'movieId',
    'title',
    'genres',
  ])) {
    items.push({
      itemId: row['movieId']!,
      title: row['title']!,
      categories: splitList(row['genres']!).filter((genre) => genre !== '(no genres listed)'),
      keywords: [...(keywords.get(row['movieId']!)?.values() ?? [])],
    });
  }
  return { ratings, items };
}

/** A CSV file's records by header name; throws naming the file when a required column is missing. */
async function* records(
  file: string,
  required: readonly string[],
  options: { optional?: boolean } = {},
): AsyncGenerator<Record<string, string>> {
  const input = createReadStream(file);
  const opened = new Promise<boolean>((resolve, reject) => {
    input.once('open', () => resolve(true));
    input.once('error', (error: NodeJS.ErrnoException) =>
      options.optional && error.code === 'ENOENT' ? resolve(false) : reject(error),
    );
  });
  if (!(await opened)) {
    return;
  }
  const parser = input.pipe(
    parse({ columns: true, bom: true, trim: true, skip_empty_lines: true, relax_quotes: false }),
  );
  let checked = false;
  for await (const record of parser as AsyncIterable<Record<string, string>>) {
    if (!checked) {
      const missing = required.filter((column) => !(column in record));
      if (missing.length > 0) {
        input.destroy();
        throw new Error(`${file}: missing column(s) ${missing.join(', ')}`);
      }
      checked = true;
    }
    yield record;
  }
}

function parseRating(text: string, file: string): number | null {
  if (text === '') {
    return null;
  }
  const rating = Number(text);
  if (!Number.isFinite(rating)) {
    throw new Error(`${file}: rating ${JSON.stringify(text)} is not a number`);
  }
  return rating;
}

function splitList(text: string): string[] {
  return text
    .split('|')
    .map((value) => value.trim())
    .filter((value) => value !== '');
}
