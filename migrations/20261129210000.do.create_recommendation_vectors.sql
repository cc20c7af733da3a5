-- Vectors of any model and dimension, for customers (preference vectors) and catalogue items
-- (products and content), and the fitted models every gateway instance loads.
--
-- The column type is a bare `vector` so that each model brings its own dimension; pgvector's
-- HNSW index needs a fixed one, so the gateway creates one partial expression index per
-- (entity, model) when it first stores that model's vectors, for example
--   CREATE INDEX ... ON item_embeddings USING hnsw ((embedding::vector(64)) vector_cosine_ops)
--   WHERE item_kind = 'product' AND model = 'local-text:…'
-- and queries cast to the same dimension so that the planner picks it.

-- The 64-bucket hashed vectors are retired (colliding buckets made unrelated interests look
-- alike); preference vectors are derived data and are recomputed by the recommendation module.
DROP INDEX customer_embeddings_embedding_hnsw_idx;
DELETE FROM customer_embeddings;
ALTER TABLE customer_embeddings
  ALTER COLUMN embedding TYPE vector,
  DROP CONSTRAINT customer_embeddings_pkey,
  ADD CONSTRAINT customer_embeddings_pkey PRIMARY KEY (customer_id, model);

CREATE TABLE item_embeddings (
  item_kind text NOT NULL,
  item_id uuid NOT NULL,
  model text NOT NULL,
  embedding vector NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT item_embeddings_pkey PRIMARY KEY (item_kind, item_id, model),
  CONSTRAINT item_embeddings_item_kind_check CHECK (item_kind IN ('product', 'content'))
);

-- Fitted models (the item-item collaborative model, the text vocabulary and its basis), as
-- compact binary payloads. The newest of each kind serves; older ones stay for attribution
-- (a recommendation names the version that produced it) until pruned.
CREATE TABLE recommendation_models (
  id bigint GENERATED ALWAYS AS IDENTITY,
  kind text NOT NULL,
  version text NOT NULL,
  payload bytea NOT NULL,
  meta jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT recommendation_models_pkey PRIMARY KEY (id),
  CONSTRAINT recommendation_models_version_key UNIQUE (kind, version),
  CONSTRAINT recommendation_models_kind_check CHECK (kind IN ('item-item', 'text'))
);

CREATE INDEX recommendation_models_kind_idx ON recommendation_models (kind, created_at DESC, id DESC);
