import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  readInteractionsCsv,
  readItemsCsv,
  readMovieLens,
} from '../../../src/modules/recommendation/evaluation/datasets.js';
import { sharedDataFile } from '../../support/shared-data.js';

describe('readItemsCsv and readInteractionsCsv', () => {
  let folder = '';
  before(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'c360-eval-'));
  });
  after(() => rm(folder, { recursive: true, force: true }));

  it('reads quoted titles and |-separated lists', async () => {
    const file = path.join(folder, 'items.csv');
    await writeFile(
      file,
      'item_id,title,categories,keywords\n' +
        '42,"Tent, two-person ""Lite""",Outdoor|Camping,light| waterproof\n' +
        '43,Stove,,\n',
    );
    assert.deepEqual(await readItemsCsv(file), [
      {
        itemId: '42',
        title: 'Tent, two-person "Lite"',
        categories: ['Outdoor', 'Camping'],
        keywords: ['light', 'waterproof'],
      },
      { itemId: '43', title: 'Stove', categories: [], keywords: [] },
    ]);
  });

  it('reads ratings, an empty one meaning implicit feedback', async () => {
    const file = path.join(folder, 'train.csv');
    await writeFile(file, 'user_id,item_id,rating,timestamp\nu1,42,4.5,1700000000\nu1,43,,\n');
    assert.deepEqual(await readInteractionsCsv(file), [
      { userId: 'u1', itemId: '42', rating: 4.5 },
      { userId: 'u1', itemId: '43', rating: null },
    ]);
  });

  it('names the file and the missing column', async () => {
    const file = path.join(folder, 'wrong.csv');
    await writeFile(file, 'customer,product\nu1,42\n');
    await assert.rejects(
      readInteractionsCsv(file),
      /wrong\.csv: missing column\(s\) user_id, item_id, rating/,
    );
  });
});

const movieLens = sharedDataFile('movielens-latest-small');

describe('readMovieLens', { skip: movieLens ? false : 'shared MovieLens data not found' }, () => {
  it('reads ml-latest-small: ratings, genres as categories, tags as keywords', async () => {
    const { ratings, items } = await readMovieLens(movieLens!);
    // Figures from the data set's README (shared/data/README.md).
    assert.equal(ratings.length, 100_836);
    assert.equal(items.length, 9_742);
    const toyStory = items.find(({ itemId }) => itemId === '1')!;
    assert.equal(toyStory.title, 'Toy Story (1995)');
    assert.deepEqual(toyStory.categories, [
      'Adventure',
      'Animation',
      'Children',
      'Comedy',
      'Fantasy',
    ]);
    assert.ok(toyStory.keywords.includes('pixar'), toyStory.keywords.join(', '));
    assert.deepEqual(ratings[0], { userId: '1', itemId: '1', rating: 4 });
  });
});
