// Readers for the CDNOW files in the shared data folder (see ../shared/data/README.md). They
// live with the tests because the model code does no I/O.
import { readFileSync } from 'node:fs';

import type { RfmSummary } from '../../../src/modules/prediction/model/bgnbd.js';
import { sharedDataFile } from '../../support/shared-data.js';

export const SUMMARY_FILE = sharedDataFile('cdnow/cdnow_customers_summary.csv');
export const SPEND_FILE = sharedDataFile('cdnow/cdnow_customers_summary_with_transactions.csv');
export const TRANSACTIONS_FILE = sharedDataFile('cdnow/CDNOW_sample.txt');
export const MISSING = 'the CDNOW data was not found under shared/data (set C360_SHARED_DATA)';

/** Rows of a small CSV with a header, as records of strings. */
function readCsv(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const names = header!.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(names.map((name, i) => [name, cells[i]!]));
  });
}

/** cdnow_customers_summary.csv: ID, frequency, recency, T (weeks, the first 39 weeks). */
export function readSummaries(file: string): (RfmSummary & { id: string })[] {
  return readCsv(file).map((row) => ({
    id: row['ID']!,
    frequency: Number(row['frequency']),
    recency: Number(row['recency']),
    age: Number(row['T']),
  }));
}

/** cdnow_customers_summary_with_transactions.csv: ID, x, t_x, T, zbar (mean repeat value). */
export function readSpend(file: string): { id: string; frequency: number; meanValue: number }[] {
  return readCsv(file).map((row) => ({
    id: row['ID']!,
    frequency: Number(row['x']),
    meanValue: Number(row['zbar']),
  }));
}

export interface Transaction {
  customer: string;
  day: number;
  value: number;
}

/**
 * CDNOW_sample.txt: whitespace-separated original id, customer index (the ID of the summary
 * files), date YYYYMMDD, CDs, dollars. `day` counts days since 1970-01-01 (UTC).
 */
export function readTransactions(file: string): Transaction[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split(/\r?\n/)
    .map((line) => {
      const [, customer, date, , value] = line.trim().split(/\s+/);
      return { customer: String(Number(customer)), day: dayNumber(date!), value: Number(value) };
    });
}

export function dayNumber(yyyymmdd: string): number {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  return Date.UTC(year, month - 1, day) / 86_400_000;
}

/**
 * Per customer: the calibration summary (in weeks, up to and including `calibrationEnd`) and
 * the number of purchases in the holdout (after it, up to `holdoutEnd`). Purchases on one day
 * count once, as in lifetimes and FHL, since the data has only dates.
 */
export function calibrationAndHoldout(
  transactions: readonly Transaction[],
  calibrationEnd: number,
  holdoutEnd: number,
): Map<string, { summary: RfmSummary; holdoutPurchases: number }> {
  const days = new Map<string, Set<number>>();
  for (const { customer, day } of transactions) {
    days.set(customer, (days.get(customer) ?? new Set()).add(day));
  }
  const result = new Map<string, { summary: RfmSummary; holdoutPurchases: number }>();
  for (const [customer, set] of days) {
    const sorted = [...set].sort((left, right) => left - right);
    const first = sorted[0]!;
    const calibration = sorted.filter((day) => day <= calibrationEnd);
    const holdout = sorted.filter((day) => day > calibrationEnd && day <= holdoutEnd);
    if (first > calibrationEnd) {
      continue;
    }
    result.set(customer, {
      summary: {
        frequency: calibration.length - 1,
        recency: (calibration[calibration.length - 1]! - first) / 7,
        age: (calibrationEnd - first) / 7,
      },
      holdoutPurchases: holdout.length,
    });
  }
  return result;
}

/** Relative difference |actual − expected| / |expected|. */
export function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}
