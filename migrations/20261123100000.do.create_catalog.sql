-- The catalog: products, content and campaigns, each upserted by the client's own key (sku,
-- external_id). PostgreSQL is their system of record; Neo4j mirrors id and name through the
-- outbox. Connections page in client-key order, so each key's unique index serves the keyset;
-- the GIN indexes serve the category filter, the others the remaining filters.
CREATE TABLE products (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  sku text NOT NULL,
  name text NOT NULL,
  description text,
  price numeric(12, 2),
  currency char(3),
  categories text[] NOT NULL DEFAULT '{}',
  attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT products_pkey PRIMARY KEY (id),
  CONSTRAINT products_sku_key UNIQUE (sku),
  CONSTRAINT products_price_check CHECK (price >= 0),
  CONSTRAINT products_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
  CONSTRAINT products_attributes_is_object_check CHECK (jsonb_typeof(attributes) = 'object')
);

CREATE INDEX products_categories_idx ON products USING gin (categories);
CREATE INDEX products_updated_at_idx ON products (updated_at, sku);

CREATE TABLE content (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  external_id text NOT NULL,
  title text NOT NULL,
  kind text NOT NULL,
  url text,
  categories text[] NOT NULL DEFAULT '{}',
  attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT content_pkey PRIMARY KEY (id),
  CONSTRAINT content_external_id_key UNIQUE (external_id),
  CONSTRAINT content_kind_check CHECK (kind ~ '^[a-z][a-z_]{0,31}$'),
  CONSTRAINT content_attributes_is_object_check CHECK (jsonb_typeof(attributes) = 'object')
);

CREATE INDEX content_categories_idx ON content USING gin (categories);
CREATE INDEX content_kind_idx ON content (kind, external_id);

CREATE TABLE campaigns (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  external_id text NOT NULL,
  name text NOT NULL,
  channel text NOT NULL,
  status text NOT NULL DEFAULT 'draft',
  starts_at timestamptz,
  ends_at timestamptz,
  attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT campaigns_pkey PRIMARY KEY (id),
  CONSTRAINT campaigns_external_id_key UNIQUE (external_id),
  CONSTRAINT campaigns_channel_check CHECK (channel ~ '^[a-z][a-z_]{0,31}$'),
  CONSTRAINT campaigns_status_check CHECK (status IN ('draft', 'active', 'paused', 'ended')),
  CONSTRAINT campaigns_period_check CHECK (ends_at IS NULL OR starts_at IS NULL OR ends_at >= starts_at),
  CONSTRAINT campaigns_attributes_is_object_check CHECK (jsonb_typeof(attributes) = 'object')
);

CREATE INDEX campaigns_status_idx ON campaigns (status, external_id);
CREATE INDEX campaigns_channel_idx ON campaigns (channel, external_id);
