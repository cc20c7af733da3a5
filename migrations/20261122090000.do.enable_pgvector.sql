-- pgvector stores embeddings of customers, products and content for nearest-neighbour queries.
CREATE EXTENSION IF NOT EXISTS vector;
