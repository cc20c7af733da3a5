-- The system of record for customer profiles. Traits are free JSON; typed columns are added
-- only where a query or constraint earns them.
CREATE TABLE customers (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  display_name text NOT NULL,
  email text,
  traits jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT customers_pkey PRIMARY KEY (id),
  CONSTRAINT customers_traits_is_object_check CHECK (jsonb_typeof(traits) = 'object')
);

CREATE INDEX customers_created_at_idx ON customers (created_at, id);
