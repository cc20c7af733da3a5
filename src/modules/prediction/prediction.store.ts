import type { Queryable } from '../../datasources/postgres.js';
import type { PredictionModel, PurchaseHistory, ScoredCustomer } from './prediction.scorer.js';

// A purchase's value: the first numeric of these properties (Segment's e-commerce spec uses
// revenue and total; simpler clients send value or price).
const VALUE = `coalesce(
  CASE WHEN jsonb_typeof(properties -> 'revenue') = 'number' THEN (properties ->> 'revenue')::numeric END,
  CASE WHEN jsonb_typeof(properties -> 'total') = 'number' THEN (properties ->> 'total')::numeric END,
  CASE WHEN jsonb_typeof(properties -> 'value') = 'number' THEN (properties ->> 'value')::numeric END,
  CASE WHEN jsonb_typeof(properties -> 'price') = 'number' THEN (properties ->> 'price')::numeric END,
  0)`;

interface HistoryRow {
  customer_id: string;
  frequency: number;
  recency: number;
  age: number;
  days_since_last: number;
  repeat_mean: string | null;
  total: string;
}

/** PostgreSQL access for predictions: purchase histories, models and scores. */
export class PredictionStore {
  constructor(private readonly db: Queryable) {}

  /**
   * Purchase histories as of `at` in days, one purchase day counting once (BG/NBD counts
   * purchase occasions): of `customerIds`, or of everyone who bought (null), optionally only
   * from purchases before `until` (a calibration period).
   */
  async histories(
    customerIds: readonly string[] | null,
    at: Date,
    until: Date | null = null,
  ): Promise<PurchaseHistory[]> {
    const { rows } = await this.db.query<HistoryRow>(
      /* sql */ `/* prediction.histories */
      WITH days AS (
        SELECT customer_id, date_trunc('day', occurred_at) AS day, sum(${VALUE}) AS value
        FROM events
        WHERE type = 'purchase'
          AND ($1::uuid[] IS NULL OR customer_id = ANY($1::uuid[]))
          AND ($3::timestamptz IS NULL OR occurred_at < $3::timestamptz)
          AND occurred_at <= $2::timestamptz
        GROUP BY 1, 2
      ), numbered AS (
        SELECT customer_id, day, value, row_number() OVER (PARTITION BY customer_id ORDER BY day) AS n
        FROM days
      )
      SELECT customer_id::text,
        (count(*) - 1)::int AS frequency,
        extract(epoch FROM max(day) - min(day)) / 86400 AS recency,
        extract(epoch FROM $2::timestamptz - min(day)) / 86400 AS age,
        extract(epoch FROM $2::timestamptz - max(day)) / 86400 AS days_since_last,
        avg(value) FILTER (WHERE n > 1)::text AS repeat_mean,
        sum(value)::text AS total
      FROM numbered GROUP BY customer_id`,
      [customerIds, at, until],
    );
    return rows.map((row) => ({
      customerId: row.customer_id,
      frequency: row.frequency,
      recency: Number(row.recency),
      // A purchase later today (or a skewed clock) must not make T shorter than t_x.
      age: Math.max(Number(row.age), Number(row.recency), 1 / 24),
      daysSinceLast: Math.max(Number(row.days_since_last), 0),
      repeatMeanValue: row.repeat_mean === null ? null : Number(row.repeat_mean),
      totalValue: Number(row.total),
    }));
  }

  /** Purchases per customer from `from` (inclusive) to `to`: a holdout period's actuals. */
  async purchaseDays(from: Date, to: Date): Promise<Map<string, number>> {
    const { rows } = await this.db.query<{ customer_id: string; days: number }>(
      `/* prediction.purchaseDays */ SELECT customer_id::text, count(DISTINCT date_trunc('day', occurred_at))::int AS days
       FROM events WHERE type = 'purchase' AND occurred_at >= $1 AND occurred_at < $2 GROUP BY 1`,
      [from, to],
    );
    return new Map(rows.map((r) => [r.customer_id, r.days]));
  }

  /** The span of purchase events: what a holdout splits. */
  async purchaseSpan(): Promise<{ first: Date; last: Date } | null> {
    const { rows } = await this.db.query<{ first: Date | null; last: Date | null }>(
      `/* prediction.purchaseSpan */ SELECT min(occurred_at) AS first, max(occurred_at) AS last FROM events WHERE type = 'purchase'`,
    );
    const row = rows[0];
    return row?.first && row.last ? { first: row.first, last: row.last } : null;
  }

  async saveModel(model: PredictionModel): Promise<void> {
    await this.db.query(
      `/* prediction.saveModel */ INSERT INTO prediction_models (version, model) VALUES ($1, $2)`,
      [model.version, JSON.stringify(model)],
    );
    // Keep the last few for comparison; scores always name the version they came from.
    await this.db.query(
      `/* prediction.pruneModels */ DELETE FROM prediction_models WHERE id NOT IN (
         SELECT id FROM prediction_models ORDER BY id DESC LIMIT 5)`,
    );
  }

  async latestModel(): Promise<PredictionModel | null> {
    const { rows } = await this.db.query<{ model: PredictionModel }>(
      `/* prediction.latestModel */ SELECT model FROM prediction_models ORDER BY id DESC LIMIT 1`,
    );
    return rows[0]?.model ?? null;
  }

  /** Stores scores, replacing earlier ones; customers erased meanwhile are skipped. */
  async saveScores(scores: readonly ScoredCustomer[]): Promise<void> {
    if (scores.length === 0) {
      return;
    }
    await this.db.query(
      /* sql */ `/* prediction.saveScores */
      INSERT INTO customer_predictions (customer_id, model_version, frequency, recency_days, age_days,
        days_since_last, mean_value, total_value, p_alive, churn_risk, clv, rfm_recency, rfm_frequency,
        rfm_monetary, rfm_segment, top_factors, computed_at)
      SELECT s.* , now() FROM jsonb_to_recordset($1::jsonb) AS s(customer_id uuid, model_version text,
        frequency int, recency_days float8, age_days float8, days_since_last float8, mean_value numeric,
        total_value numeric, p_alive float8, churn_risk float8, clv numeric, rfm_recency smallint,
        rfm_frequency smallint, rfm_monetary smallint, rfm_segment text, top_factors jsonb)
      -- Locked against deletion until the foreign key check: a customer erased or merged
      -- away meanwhile is skipped, not a constraint violation.
      JOIN (
        SELECT id FROM customers
        WHERE id IN (SELECT (x ->> 'customer_id')::uuid FROM jsonb_array_elements($1::jsonb) AS x)
        FOR KEY SHARE
      ) c ON c.id = s.customer_id
      ON CONFLICT (customer_id) DO UPDATE SET
        model_version = EXCLUDED.model_version, frequency = EXCLUDED.frequency,
        recency_days = EXCLUDED.recency_days, age_days = EXCLUDED.age_days,
        days_since_last = EXCLUDED.days_since_last, mean_value = EXCLUDED.mean_value,
        total_value = EXCLUDED.total_value, p_alive = EXCLUDED.p_alive,
        churn_risk = EXCLUDED.churn_risk, clv = EXCLUDED.clv, rfm_recency = EXCLUDED.rfm_recency,
        rfm_frequency = EXCLUDED.rfm_frequency, rfm_monetary = EXCLUDED.rfm_monetary,
        rfm_segment = EXCLUDED.rfm_segment, top_factors = EXCLUDED.top_factors,
        computed_at = EXCLUDED.computed_at`,
      [JSON.stringify(scores.map(toRow))],
    );
  }

  async scoresOf(customerIds: readonly string[]): Promise<StoredPrediction[]> {
    const { rows } = await this.db.query<StoredPrediction>(
      `/* prediction.scoresOf */ SELECT customer_id::text AS "customerId", model_version AS "modelVersion",
         frequency, recency_days AS "recencyDays", age_days AS "ageDays", days_since_last AS "daysSinceLast",
         mean_value::float8 AS "meanValue", total_value::float8 AS "totalValue", p_alive AS "pAlive",
         churn_risk AS "churnRisk", clv::float8 AS clv, rfm_recency AS "rfmRecency",
         rfm_frequency AS "rfmFrequency", rfm_monetary AS "rfmMonetary", rfm_segment AS "rfmSegment",
         top_factors AS "topFactors", computed_at AS "computedAt"
       FROM customer_predictions WHERE customer_id = ANY($1::uuid[])`,
      [customerIds],
    );
    return rows;
  }
}

export interface StoredPrediction {
  customerId: string;
  modelVersion: string;
  frequency: number;
  recencyDays: number;
  ageDays: number;
  daysSinceLast: number;
  meanValue: number | null;
  totalValue: number;
  pAlive: number;
  churnRisk: number;
  clv: number | null;
  rfmRecency: number;
  rfmFrequency: number;
  rfmMonetary: number;
  rfmSegment: string;
  topFactors: { factor: string; value: number; effect: string }[];
  computedAt: Date;
}

function toRow(s: ScoredCustomer) {
  return {
    customer_id: s.history.customerId,
    model_version: s.modelVersion,
    frequency: s.history.frequency,
    recency_days: s.history.recency,
    age_days: s.history.age,
    days_since_last: s.history.daysSinceLast,
    mean_value: s.history.repeatMeanValue,
    total_value: s.history.totalValue,
    p_alive: s.pAlive,
    churn_risk: s.churnRisk,
    clv: s.clv,
    rfm_recency: s.rfm.recency,
    rfm_frequency: s.rfm.frequency,
    rfm_monetary: s.rfm.monetary,
    rfm_segment: s.rfm.segment,
    top_factors: s.topFactors,
  };
}
