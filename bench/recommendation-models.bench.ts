/**
 * The pure recommendation models on MovieLens latest-small under the ML-LS protocol
 * (evaluation/split.ts, seed 42): accuracy at 10 and fit time of MostPopular, cosine
 * ItemKNN, exact EASE (λ chosen on a validation split), the sparsified EASE ItemItemModel at
 * several neighbour budgets (per item, and on average), and that model blended with popularity. Prints figures only; the
 * machines are shared, so times are indicative.
 *
 *   npm run build && node dist/bench/recommendation-models.bench.js [MOVIELENS_DIR]
 *
 * MOVIELENS_DIR defaults to the shared data's movielens-latest-small.
 */
import { fitEaseExact } from '../src/modules/recommendation/model/ease.js';
import { buildInteractionMatrix } from '../src/modules/recommendation/model/interactions.js';
import { ItemItemModel } from '../src/modules/recommendation/model/item-item.js';
import { fitItemKnn } from '../src/modules/recommendation/model/item-knn.js';
import { PopularityModel } from '../src/modules/recommendation/model/popularity.js';
import {
  chooseEaseLambda,
  easeRecommender,
  historiesOf,
  itemItemRecommender,
  popularityRecommender,
  type OfflineRecommender,
} from '../src/modules/recommendation/evaluation/baselines.js';
import { readMovieLens } from '../src/modules/recommendation/evaluation/datasets.js';
import {
  catalogueCoverage,
  hitRateAt,
  ndcgAt,
  recallAt,
} from '../src/modules/recommendation/evaluation/metrics.js';
import { splitPositives } from '../src/modules/recommendation/evaluation/split.js';
import { sharedDataFile } from '../test/support/shared-data.js';

const K = 10;
const SEED = 42;
const NEIGHBOURS = [50, 100, 200, 400];
const BLEND_WEIGHTS = [0.002, 0.005, 0.01, 0.02, 0.05];

async function main(): Promise<void> {
  const directory = process.argv[2] ?? sharedDataFile('movielens-latest-small');
  if (!directory) {
    console.error('MovieLens latest-small not found: pass its folder as the first argument');
    process.exitCode = 2;
    return;
  }
  const { ratings, items } = await readMovieLens(directory);
  const split = splitPositives(ratings, SEED);
  const histories = historiesOf(split.train);
  const catalogueSize = items.length;
  console.log(
    `${directory}: ${ratings.length} ratings, ${items.length} items; ${split.test.size} users, ` +
      `${split.train.length} training and ${[...split.test.values()].reduce((n, s) => n + s.size, 0)} test positives\n`,
  );

  const timed = <T>(fit: () => T): [T, number] => {
    const started = performance.now();
    const value = fit();
    return [value, (performance.now() - started) / 1000];
  };
  const perUser = new Map<string, number[]>();
  const report = (
    recommender: OfflineRecommender,
    fitSeconds: number,
    note: (ndcg: number) => string = () => '',
  ) => {
    const lists: string[][] = [];
    const ndcgs: number[] = [];
    let ndcg = 0;
    let recall = 0;
    let hits = 0;
    for (const [userId, relevant] of split.test) {
      const list = recommender.recommend(userId, K);
      lists.push(list);
      ndcgs.push(ndcgAt(K, list, relevant));
      ndcg += ndcgs.at(-1)!;
      recall += recallAt(K, list, relevant);
      hits += hitRateAt(K, list, relevant);
    }
    const n = split.test.size;
    perUser.set(recommender.name, ndcgs);
    console.log(
      [
        recommender.name.padEnd(32),
        (ndcg / n).toFixed(4).padStart(8),
        (recall / n).toFixed(4).padStart(10),
        (hits / n).toFixed(4).padStart(11),
        catalogueCoverage(K, lists, catalogueSize).toFixed(4).padStart(9),
        fitSeconds.toFixed(2).padStart(7),
        ` ${note(ndcg / n)}`,
      ].join(''),
    );
    return ndcg / n;
  };

  const [choice, choiceSeconds] = timed(() => chooseEaseLambda(split.train, { seed: SEED, k: K }));
  console.log(
    `EASE λ on validation (NDCG@${K}): ${choice.tried.map(({ lambda, ndcg }) => `${lambda} → ${ndcg.toFixed(4)}`).join(', ')}; chosen ${choice.lambda} in ${choiceSeconds.toFixed(1)} s\n`,
  );
  console.log(
    `${'recommender'.padEnd(32)}${'NDCG@10'.padStart(8)}${'Recall@10'.padStart(10)}${'HitRate@10'.padStart(11)}${'coverage'.padStart(9)}${'fit s'.padStart(7)}`,
  );

  const [matrix, matrixSeconds] = timed(() => buildInteractionMatrix(split.train));
  const [popularity, popularitySeconds] = timed(() => PopularityModel.fit(matrix));
  report(popularityRecommender(popularity, histories), matrixSeconds + popularitySeconds);
  const [knn, knnSeconds] = timed(() => fitItemKnn(matrix, { neighbours: 200 }));
  const knnNdcg = report(
    itemItemRecommender('ItemKNN (cosine, 200)', knn, popularity, histories),
    knnSeconds,
    () => `${(knn.serialize().length / 1_048_576).toFixed(2)} MB`,
  );
  const [ease, easeSeconds] = timed(() => fitEaseExact(matrix, { lambda: choice.lambda }));
  const easeNdcg = report(
    easeRecommender(`EASE exact (λ ${choice.lambda})`, ease, popularity, histories),
    easeSeconds,
    (ndcg) => `${ease.method}; vs ItemKNN ×${(ndcg / knnNdcg).toFixed(2)}`,
  );
  for (const allocation of ['per-item', 'average'] as const) {
    for (const neighbours of NEIGHBOURS) {
      const [model, seconds] = timed(() => ease.sparsify(neighbours, allocation));
      report(
        itemItemRecommender(
          `EASE sparse ${neighbours} ${allocation}`,
          model,
          popularity,
          histories,
        ),
        seconds,
        (ndcg) =>
          `${(model.serialize().length / 1_048_576).toFixed(2)} MB; vs exact ${pct(ndcg / easeNdcg - 1)}, vs ItemKNN ×${(ndcg / knnNdcg).toFixed(2)}`,
      );
    }
  }
  const [gram, gramSeconds] = timed(() =>
    fitEaseExact(matrix, { lambda: choice.lambda, method: 'gram' }),
  );
  report(
    easeRecommender(`EASE exact, Gram path`, gram, popularity, histories),
    gramSeconds,
    () => `${gram.items.length} most popular of ${matrix.items.length} items modelled`,
  );

  const model = ease.sparsify(200, 'average');
  const users = [...split.test.keys()];
  const started = performance.now();
  for (const userId of users) {
    const history = histories.get(userId)!;
    model.score(history, K, new Set(history.keys()));
  }
  const msPerUser = (performance.now() - started) / users.length;
  const image = model.serialize();
  const [, loadSeconds] = timed(() => ItemItemModel.deserialize(image));
  console.log(
    `\nEASE sparse 200 average: score() ${msPerUser.toFixed(3)} ms per user (mean history ${(split.train.length / users.length).toFixed(0)} items); ` +
      `${(image.length / 1_048_576).toFixed(2)} MB image deserialised in ${(loadSeconds * 1000).toFixed(1)} ms\n`,
  );
  for (const weight of BLEND_WEIGHTS) {
    report(
      itemItemRecommender(`EASE sparse 200 + ${weight}·pop`, model, popularity, histories, weight),
      0,
      (ndcg) => `vs exact ${pct(ndcg / easeNdcg - 1)}, vs ItemKNN ×${(ndcg / knnNdcg).toFixed(2)}`,
    );
  }

  // One split of ~600 users: is a difference larger than its noise? Paired over the same users.
  const exact = perUser.get(`EASE exact (λ ${choice.lambda})`)!;
  console.log(`\npaired NDCG@${K} difference against exact EASE, mean ± 1.96 standard errors:`);
  for (const name of [
    'EASE sparse 200 per-item',
    'EASE sparse 200 average',
    'EASE sparse 400 average',
    'ItemKNN (cosine, 200)',
  ]) {
    const { mean, halfWidth } = pairedDifference(perUser.get(name)!, exact);
    console.log(`  ${name.padEnd(30)} ${mean.toFixed(4)} ± ${halfWidth.toFixed(4)}`);
  }
}

function pairedDifference(a: readonly number[], b: readonly number[]) {
  const differences = a.map((value, i) => value - b[i]!);
  const mean = differences.reduce((sum, d) => sum + d, 0) / differences.length;
  const variance =
    differences.reduce((sum, d) => sum + (d - mean) ** 2, 0) / (differences.length - 1);
  return { mean, halfWidth: 1.96 * Math.sqrt(variance / differences.length) };
}

function pct(change: number): string {
  return `${change >= 0 ? '+' : ''}${(100 * change).toFixed(1)} %`;
}

await main();
