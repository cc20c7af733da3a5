-- Predictive traits (src/modules/prediction/): fitted models and each customer's scores.

CREATE TABLE prediction_models (
  id bigint GENERATED ALWAYS AS IDENTITY,
  version text NOT NULL,
  -- BG/NBD and Gamma-Gamma parameters with standard errors, fit figures, RFM references.
  model jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT prediction_models_pkey PRIMARY KEY (id),
  CONSTRAINT prediction_models_version_key UNIQUE (version)
);

CREATE TABLE customer_predictions (
  customer_id uuid NOT NULL,
  model_version text NOT NULL,
  -- The purchase history the scores rest on, in days (BG/NBD's x, t_x, T).
  frequency integer NOT NULL,
  recency_days double precision NOT NULL,
  age_days double precision NOT NULL,
  days_since_last double precision NOT NULL,
  mean_value numeric,
  total_value numeric NOT NULL,
  p_alive double precision NOT NULL,
  churn_risk double precision NOT NULL,
  clv numeric,
  rfm_recency smallint NOT NULL,
  rfm_frequency smallint NOT NULL,
  rfm_monetary smallint NOT NULL,
  rfm_segment text NOT NULL,
  top_factors jsonb NOT NULL DEFAULT '[]'::jsonb,
  computed_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT customer_predictions_pkey PRIMARY KEY (customer_id),
  CONSTRAINT customer_predictions_customer_id_fkey FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE CASCADE
);

CREATE INDEX customer_predictions_churn_risk_idx ON customer_predictions (churn_risk);
