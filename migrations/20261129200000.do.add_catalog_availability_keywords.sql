-- What recommendations need from the catalog: whether a product can be sold now (in_stock,
-- with an optional stock_count) and the keywords of products and content. Keywords are
-- stored normalised by the gateway (trimmed, lower-case, distinct); the checks bound what a
-- write that bypasses it could store. The GIN indexes serve "items sharing these keywords"
-- (keywords && $1), the way recommendations look for candidates.
ALTER TABLE products
  ADD COLUMN in_stock boolean NOT NULL DEFAULT true,
  ADD COLUMN stock_count integer,
  ADD COLUMN keywords text[] NOT NULL DEFAULT '{}',
  ADD CONSTRAINT products_stock_count_check CHECK (stock_count >= 0),
  ADD CONSTRAINT products_keywords_check CHECK (cardinality(keywords) <= 50);

ALTER TABLE content
  ADD COLUMN keywords text[] NOT NULL DEFAULT '{}',
  ADD CONSTRAINT content_keywords_check CHECK (cardinality(keywords) <= 50);

CREATE INDEX products_keywords_idx ON products USING gin (keywords);
CREATE INDEX content_keywords_idx ON content USING gin (keywords);
