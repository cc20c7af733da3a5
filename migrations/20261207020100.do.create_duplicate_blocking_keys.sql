-- What lets the duplicate follower score a changed customer without a full scan: every
-- customer's blocking keys (normalised e-mail local part, phone digits, name initials plus
-- postcode, device id; personal values, so they go with the customer: ON DELETE CASCADE), and
-- the model the last scan fitted (one row), which the follower scores with.
CREATE TABLE duplicate_blocking_keys (
  key text NOT NULL,
  customer_id uuid NOT NULL,
  CONSTRAINT duplicate_blocking_keys_pkey PRIMARY KEY (key, customer_id),
  CONSTRAINT duplicate_blocking_keys_customer_id_fkey FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE CASCADE
);

CREATE INDEX duplicate_blocking_keys_customer_id_idx ON duplicate_blocking_keys (customer_id);

CREATE TABLE duplicate_models (
  id smallint NOT NULL DEFAULT 1,
  model jsonb NOT NULL,
  fitted_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT duplicate_models_pkey PRIMARY KEY (id),
  CONSTRAINT duplicate_models_single_row_check CHECK (id = 1)
);
