-- Every identifier a customer is known by, normalised (lower-cased e-mail, E.164 phone). One
-- identity belongs to exactly one customer: the primary key is what makes identity resolution
-- race-free across concurrent requests and gateway instances.
CREATE TABLE identities (
  type text NOT NULL,
  value text NOT NULL,
  customer_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT identities_pkey PRIMARY KEY (type, value),
  CONSTRAINT identities_customer_id_fkey FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE CASCADE,
  CONSTRAINT identities_type_check CHECK (type ~ '^[a-z][a-z0-9_]{0,31}$'),
  CONSTRAINT identities_value_check CHECK (length(value) BETWEEN 1 AND 256)
);

CREATE INDEX identities_customer_id_idx ON identities (customer_id);
