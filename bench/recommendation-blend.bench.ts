import 'reflect-metadata';

/**
 * The served recommender's blend on MovieLens latest-small, tuned on a validation split of the
 * ML-LS training positives (seed 42, then seed 43 within the training part, as EASE's λ is
 * chosen), never on the test split: the validation training part is loaded once through the
 * gateway's write path (an isolated database, as `c360 eval` does), then each tuning of the
 * ranking is asked for every validation user's top 10, against exact EASE fitted on the same
 * part. Prints NDCG@10 and Recall@10 per tuning, and the ratio to EASE; this is how
 * DEFAULT_TUNING was chosen.
 *
 *   npm run build && node dist/bench/recommendation-blend.bench.js [MOVIELENS_DIR]
 *
 * Unset DATABASE_URL uses an embedded database in a temporary folder.
 */
import { openPostgres } from '../src/backends.js';
import { runOnPostgres } from '../src/cli/command-run.js';
import { openGraphStores } from '../src/cli/graph-stores.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { DEFAULT_WEIGHTS } from '../src/modules/recommendation/blend.js';
import {
  chooseEaseLambda,
  easeRecommender,
  historiesOf,
} from '../src/modules/recommendation/evaluation/baselines.js';
import { readMovieLens } from '../src/modules/recommendation/evaluation/datasets.js';
import { openGatewayServing } from '../src/modules/recommendation/evaluation/gateway-serving.js';
import { ndcgAt, recallAt } from '../src/modules/recommendation/evaluation/metrics.js';
import { SILENT_PROGRESS } from '../src/modules/recommendation/evaluation/serving.js';
import { splitPositives, validationSplit } from '../src/modules/recommendation/evaluation/split.js';
import { fitEaseExact } from '../src/modules/recommendation/model/ease.js';
import { buildInteractionMatrix } from '../src/modules/recommendation/model/interactions.js';
import { PopularityModel } from '../src/modules/recommendation/model/popularity.js';
import { CandidateSource } from '../src/modules/recommendation/recommendation.kinds.js';
import type { RankingTuning } from '../src/modules/recommendation/recommendation.service.js';
import { sharedDataFile } from '../test/support/shared-data.js';

const K = 10;
const SEED = 42;

const TUNINGS: Record<string, Partial<RankingTuning>> = {
  default: {},
  'no diversity': { diversityPenalty: 1 },
  'near ties 0.05': { diversityTolerance: 0.05 },
  'near ties 0.1': { diversityTolerance: 0.1 },
  'near ties 0.02, discount 0.85': { diversityPenalty: 0.85 },
  'discount 0.95 over the whole list': { diversityTolerance: 1 },
  'no vectors': { weights: { ...DEFAULT_WEIGHTS, [CandidateSource.VECTOR]: 0 } },
  'vectors 0.1': { weights: { ...DEFAULT_WEIGHTS, [CandidateSource.VECTOR]: 0.1 } },
  'vectors 0.4': { weights: { ...DEFAULT_WEIGHTS, [CandidateSource.VECTOR]: 0.4 } },
  'no popularity': { weights: { ...DEFAULT_WEIGHTS, [CandidateSource.POPULARITY]: 0 } },
  'collaborative only, no diversity': {
    diversityPenalty: 1,
    weights: { ...DEFAULT_WEIGHTS, [CandidateSource.VECTOR]: 0, [CandidateSource.POPULARITY]: 0 },
  },
};

async function main(): Promise<void> {
  const dir = process.argv[2] ?? sharedDataFile('movielens-latest-small');
  if (dir === null) {
    throw new Error('MovieLens latest-small was not found: pass its folder as the argument');
  }
  const dataset = await readMovieLens(dir);
  const split = validationSplit(splitPositives(dataset.ratings, SEED).train, SEED + 1);
  const lambda = chooseEaseLambda(split.train, { seed: SEED + 1, k: K }).lambda;
  const ease = easeRecommender(
    'EASE',
    fitEaseExact(buildInteractionMatrix(split.train), { lambda }),
    PopularityModel.fit(buildInteractionMatrix(split.train)),
    historiesOf(split.train),
  );
  const users = [...split.test.keys()];
  const score = async (topK: (user: string) => Promise<string[]>) => {
    let ndcg = 0;
    let recall = 0;
    for (const user of users) {
      const ranked = await topK(user);
      ndcg += ndcgAt(K, ranked, split.test.get(user)!);
      recall += recallAt(K, ranked, split.test.get(user)!);
    }
    return { ndcg: ndcg / users.length, recall: recall / users.length };
  };
  const baseline = await score((user) => Promise.resolve(ease.recommend(user, K)));
  console.log(
    `EASE λ ${lambda}: NDCG@10 ${baseline.ndcg.toFixed(4)}  Recall@10 ${baseline.recall.toFixed(4)}`,
  );

  const config = loadConfig(process.env);
  const serving = await openGatewayServing(
    {
      loadConfig: () => config,
      openPostgres,
      openGraphStores: (c, logger) => openGraphStores(c, logger, 'recommendation bench'),
      runOnPostgres: (work) => runOnPostgres(() => config, openPostgres, work),
    },
    config,
    createLogger('warn'),
  );
  try {
    const started = performance.now();
    await serving.load(split.train, dataset.items, SILENT_PROGRESS);
    console.log(`loaded and fitted in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    for (const [name, tuning] of Object.entries(TUNINGS)) {
      serving.retune(tuning);
      const at = performance.now();
      const served = await score((user) => serving.topK(user, K));
      const ms = (performance.now() - at) / users.length;
      console.log(
        `${name.padEnd(34)} NDCG@10 ${served.ndcg.toFixed(4)} (${(served.ndcg / baseline.ndcg).toFixed(3)}× EASE)  Recall@10 ${served.recall.toFixed(4)}  ${ms.toFixed(1)} ms/user`,
      );
    }
  } finally {
    await serving.close();
  }
}

await main();
