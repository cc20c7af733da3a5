-- One embedding per customer and model; cosine distance, HNSW for sub-linear nearest-neighbour
-- search. The model name travels with the vector so that a new embedder never mixes spaces.
CREATE TABLE customer_embeddings (
  customer_id uuid NOT NULL,
  model text NOT NULL,
  embedding vector(64) NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT customer_embeddings_pkey PRIMARY KEY (customer_id),
  CONSTRAINT customer_embeddings_customer_id_fkey FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE CASCADE
);

CREATE INDEX customer_embeddings_embedding_hnsw_idx
  ON customer_embeddings USING hnsw (embedding vector_cosine_ops);
