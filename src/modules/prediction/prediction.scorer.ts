import { createHash } from 'node:crypto';

import {
  type BgNbdParameters,
  expectedPurchases,
  fitBgNbd,
  probabilityAlive,
} from './model/bgnbd.js';
import { discountedLifetimeValue } from './model/clv.js';
import {
  expectedAverageSpend,
  fitGammaGamma,
  type GammaGammaParameters,
} from './model/gamma-gamma.js';
import type { ModelFit } from './model/maximum-likelihood.js';
import { rfmSegment, type RfmSegment } from './model/rfm.js';

/** One customer's purchases, in days, as the models read them (see PredictionStore.histories). */
export interface PurchaseHistory {
  customerId: string;
  /** Repeat purchase days (purchase days after the first). */
  frequency: number;
  /** Days from the first purchase day to the last. */
  recency: number;
  /** Days from the first purchase day to now. */
  age: number;
  daysSinceLast: number;
  /** Mean value of the repeat purchase days; null without one. */
  repeatMeanValue: number | null;
  totalValue: number;
}

/** What a model keeps of its fit. */
export type StoredFit<P> = Pick<
  ModelFit<P>,
  'parameters' | 'standardErrors' | 'logLikelihood' | 'converged'
>;

/** What a fit stores: parameters with standard errors, and what RFM scores compare against. */
export interface PredictionModel {
  version: string;
  fittedAt: string;
  customers: number;
  bgnbd: StoredFit<BgNbdParameters>;
  /** Null when too few repeat buyers with a purchase value were there to fit spend. */
  gammaGamma: StoredFit<GammaGammaParameters> | null;
  /** Sorted samples of the population's RFM figures: a customer scores by where they fall. */
  reference: { recency: number[]; frequency: number[]; monetary: number[] };
  medians: { daysSinceLast: number; frequency: number; meanValue: number };
}

export interface ScoringSettings {
  clvHorizonDays: number;
  annualDiscountRate: number;
}

export interface ScoredCustomer {
  history: PurchaseHistory;
  modelVersion: string;
  pAlive: number;
  churnRisk: number;
  clv: number | null;
  rfm: { recency: number; frequency: number; monetary: number; segment: RfmSegment };
  topFactors: { factor: string; value: number; effect: string }[];
}

/** Fewer buyers than this and the fit says nothing about anyone. */
export const MIN_BUYERS = 20;
const MIN_REPEAT_BUYERS = 10;
const REFERENCE_SIZE = 1_000;

/** Fits both models on the population; null when it is too small to fit. */
export function fitModel(histories: readonly PurchaseHistory[], at: Date): PredictionModel | null {
  if (histories.length < MIN_BUYERS) {
    return null;
  }
  const bgnbd = fitBgNbd(histories);
  if (!bgnbd.converged) {
    return null;
  }
  const spenders = histories.filter((h) => h.frequency > 0 && (h.repeatMeanValue ?? 0) > 0);
  const gammaGamma =
    spenders.length >= MIN_REPEAT_BUYERS
      ? fitGammaGamma(
          spenders.map((h) => ({ frequency: h.frequency, meanValue: h.repeatMeanValue! })),
        )
      : null;
  const usableSpend = gammaGamma !== null && gammaGamma.converged && gammaGamma.parameters.q > 1;
  const summary = {
    fittedAt: at.toISOString(),
    customers: histories.length,
    bgnbd: pick(bgnbd),
    gammaGamma: usableSpend ? pick(gammaGamma) : null,
    reference: {
      recency: sample(histories.map((h) => -h.daysSinceLast)),
      frequency: sample(histories.map((h) => h.frequency + 1)),
      monetary: sample(histories.map((h) => h.totalValue)),
    },
    medians: {
      daysSinceLast: median(histories.map((h) => h.daysSinceLast)),
      frequency: median(histories.map((h) => h.frequency)),
      meanValue: median(spenders.map((h) => h.repeatMeanValue!)),
    },
  };
  const version = createHash('sha256').update(JSON.stringify(summary)).digest('hex').slice(0, 12);
  return { version, ...summary };
}

/** A customer's predictions under a fitted model. */
export function score(
  model: PredictionModel,
  history: PurchaseHistory,
  settings: ScoringSettings,
): ScoredCustomer {
  const parameters = model.bgnbd.parameters;
  const pAlive = probabilityAlive(parameters, history);
  const gg = model.gammaGamma;
  const clv =
    gg === null
      ? null
      : discountedLifetimeValue(
          (t) => expectedPurchases(parameters, history, t),
          expectedAverageSpend(gg.parameters, {
            frequency: history.repeatMeanValue === null ? 0 : history.frequency,
            meanValue: history.repeatMeanValue ?? 0,
          }),
          {
            horizon: settings.clvHorizonDays,
            step: 30,
            annualDiscountRate: settings.annualDiscountRate,
            unitsPerYear: 365.25,
          },
        );
  const r = scoreAgainst(model.reference.recency, -history.daysSinceLast);
  const f = scoreAgainst(model.reference.frequency, history.frequency + 1);
  const m = scoreAgainst(model.reference.monetary, history.totalValue);
  return {
    history,
    modelVersion: model.version,
    pAlive,
    churnRisk: 1 - pAlive,
    clv: clv === null ? null : Math.round(clv * 100) / 100,
    rfm: { recency: r, frequency: f, monetary: m, segment: rfmSegment(r, f) },
    topFactors: factors(model, history),
  };
}

/** Expected purchases in the next `days` of a customer with this stored history. */
export function expectedPurchasesIn(
  parameters: BgNbdParameters,
  history: Pick<PurchaseHistory, 'frequency' | 'recency' | 'age'>,
  days: number,
): number {
  return expectedPurchases(parameters, history, days);
}

/**
 * What moves this customer's scores most, against the population's medians: how long since
 * they last bought (churn risk rises with it), how often they came back, what they spend.
 */
function factors(model: PredictionModel, h: PurchaseHistory) {
  const { medians } = model;
  const list = [
    {
      factor: 'daysSinceLastPurchase',
      value: round(h.daysSinceLast),
      effect:
        h.daysSinceLast > medians.daysSinceLast
          ? 'longer ago than most: raises churn risk'
          : 'more recent than most: lowers churn risk',
      weight: Math.abs(h.daysSinceLast - medians.daysSinceLast) / (medians.daysSinceLast + 1),
    },
    {
      factor: 'repeatPurchases',
      value: h.frequency,
      effect:
        h.frequency > medians.frequency
          ? 'more than most: raises expected purchases and value'
          : 'fewer than most: lowers expected purchases and value',
      weight: Math.abs(h.frequency - medians.frequency) / (medians.frequency + 1),
    },
  ];
  if (h.repeatMeanValue !== null && medians.meanValue > 0) {
    list.push({
      factor: 'averageRepeatPurchaseValue',
      value: round(h.repeatMeanValue),
      effect:
        h.repeatMeanValue > medians.meanValue
          ? 'above most: raises lifetime value'
          : 'below most: lowers lifetime value',
      weight: Math.abs(h.repeatMeanValue - medians.meanValue) / medians.meanValue,
    });
  }
  return list
    .sort((a, b) => b.weight - a.weight)
    .map(({ factor, value, effect }) => ({ factor, value, effect }));
}

/** 1 + ⌊5·(reference values strictly below)/n⌋, as model/rfm.ts scores a population. */
function scoreAgainst(sorted: readonly number[], value: number): number {
  if (sorted.length === 0) {
    return 3;
  }
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid]! < value) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return Math.min(5, 1 + Math.floor((5 * low) / sorted.length));
}

/** Up to REFERENCE_SIZE evenly spaced values of the sorted population. */
function sample(values: number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length <= REFERENCE_SIZE) {
    return sorted;
  }
  return Array.from(
    { length: REFERENCE_SIZE },
    (_, i) => sorted[Math.floor((i * sorted.length) / REFERENCE_SIZE)]!,
  );
}

function median(values: number[]): number {
  if (values.length === 0) {
    return 0;
  }
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function pick<P>(fit: ModelFit<P>): StoredFit<P> {
  return {
    parameters: fit.parameters,
    standardErrors: fit.standardErrors,
    logLikelihood: fit.logLikelihood,
    converged: fit.converged,
  };
}
