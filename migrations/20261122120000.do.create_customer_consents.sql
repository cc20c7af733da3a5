-- The customer's current consent per purpose. A purpose without a row has not been asked yet,
-- which c360 treats as not granted.
CREATE TABLE customer_consents (
  customer_id uuid NOT NULL,
  purpose text NOT NULL,
  granted boolean NOT NULL,
  source text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT customer_consents_pkey PRIMARY KEY (customer_id, purpose),
  CONSTRAINT customer_consents_customer_id_fkey FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE CASCADE,
  CONSTRAINT customer_consents_purpose_check
    CHECK (purpose IN ('analytics', 'personalization', 'marketing', 'ai'))
);
