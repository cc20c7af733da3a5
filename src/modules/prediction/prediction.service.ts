import type { Queryable } from '../../datasources/postgres.js';
import type { Logger } from '../../logger.js';
import { expectedPurchases } from './model/bgnbd.js';
import {
  fitModel,
  type PredictionModel,
  type PurchaseHistory,
  score,
  type ScoringSettings,
} from './prediction.scorer.js';
import { PredictionStore } from './prediction.store.js';

const CHUNK = 1_000;
const MODEL_TTL_MS = 30_000;

export type FitProgress = (stage: string, done: number, total: number) => void;

export interface FitReport {
  model: PredictionModel | null;
  scored: number;
  durationMs: number;
}

export interface HoldoutReport {
  calibrationEnd: string;
  holdoutDays: number;
  customers: number;
  predictedPurchases: number;
  actualPurchases: number;
  meanAbsoluteError: number;
  /** The same error of predicting each customer's calibration-period rate, for scale. */
  naiveMeanAbsoluteError: number;
}

/** Fits, scores and reads predictions; every figure is computed here, no external service. */
export class PredictionService {
  private readonly store: PredictionStore;
  private cached: { model: PredictionModel | null; at: number } | null = null;

  constructor(
    db: Queryable,
    private readonly settings: ScoringSettings,
    private readonly logger: Logger,
  ) {
    this.store = new PredictionStore(db);
  }

  /** The latest model, read again at most every 30 s (another instance may have refitted). */
  async currentModel(): Promise<PredictionModel | null> {
    if (this.cached === null || Date.now() - this.cached.at > MODEL_TTL_MS) {
      this.cached = { model: await this.store.latestModel(), at: Date.now() };
    }
    return this.cached.model;
  }

  /** Fits both models on every buyer and scores them all. */
  async fit(progress: FitProgress = () => undefined): Promise<FitReport> {
    const started = Date.now();
    const now = new Date();
    progress('reading purchase histories', 0, 1);
    const histories = await this.store.histories(null, now);
    progress('fitting BG/NBD and Gamma-Gamma', 0, histories.length);
    const model = fitModel(histories, now);
    if (model === null) {
      this.logger.info({ buyers: histories.length }, 'too few buyers to fit predictions');
      return { model: null, scored: 0, durationMs: Date.now() - started };
    }
    await this.store.saveModel(model);
    this.cached = { model, at: Date.now() };
    for (let i = 0; i < histories.length; i += CHUNK) {
      const chunk = histories.slice(i, i + CHUNK);
      await this.store.saveScores(chunk.map((h) => score(model, h, this.settings)));
      progress('scoring customers', Math.min(i + CHUNK, histories.length), histories.length);
    }
    const report = { model, scored: histories.length, durationMs: Date.now() - started };
    this.logger.info(
      { version: model.version, customers: histories.length, durationMs: report.durationMs },
      'prediction models fitted',
    );
    return report;
  }

  /** Scores these customers again under the current model (their purchases changed). */
  async rescore(customerIds: readonly string[]): Promise<void> {
    const model = await this.currentModel();
    if (model === null || customerIds.length === 0) {
      return;
    }
    const histories = await this.store.histories(customerIds, new Date());
    await this.store.saveScores(histories.map((h) => score(model, h, this.settings)));
  }

  /**
   * The holdout check: fits on purchases before the middle of the purchase period, predicts
   * each customer's purchase days in the second half, and compares with what happened.
   */
  async evaluate(progress: FitProgress = () => undefined): Promise<HoldoutReport | null> {
    const span = await this.store.purchaseSpan();
    if (span === null) {
      return null;
    }
    const split = new Date((span.first.getTime() + span.last.getTime()) / 2);
    const end = new Date(span.last.getTime() + 86_400_000);
    progress('reading the calibration period', 0, 1);
    const histories = await this.store.histories(null, split, split);
    const model = fitModel(histories, split);
    if (model === null) {
      return null;
    }
    progress('comparing the holdout period', 0, histories.length);
    const actual = await this.store.purchaseDays(split, end);
    const days = (end.getTime() - split.getTime()) / 86_400_000;
    return holdout(model, histories, actual, days, split);
  }
}

function holdout(
  model: PredictionModel,
  histories: readonly PurchaseHistory[],
  actual: ReadonlyMap<string, number>,
  days: number,
  split: Date,
): HoldoutReport {
  let predicted = 0;
  let observed = 0;
  let error = 0;
  let naive = 0;
  for (const history of histories) {
    const expected = expectedPurchases(model.bgnbd.parameters, history, days);
    const real = actual.get(history.customerId) ?? 0;
    const rate = (history.frequency / Math.max(history.age, 1)) * days;
    predicted += expected;
    observed += real;
    error += Math.abs(expected - real);
    naive += Math.abs(rate - real);
  }
  const n = Math.max(histories.length, 1);
  return {
    calibrationEnd: split.toISOString(),
    holdoutDays: Math.round(days),
    customers: histories.length,
    predictedPurchases: Math.round(predicted * 10) / 10,
    actualPurchases: observed,
    meanAbsoluteError: error / n,
    naiveMeanAbsoluteError: naive / n,
  };
}
