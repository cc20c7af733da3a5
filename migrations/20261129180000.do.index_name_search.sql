-- Name and title searches (ILIKE '%...%') scanned whole tables: 12 concurrent name searches
-- held every pooled connection. Trigram indexes serve them for patterns of 3+ characters.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS customers_display_name_trgm_idx ON customers USING gin (display_name gin_trgm_ops);
CREATE INDEX IF NOT EXISTS products_name_trgm_idx ON products USING gin (name gin_trgm_ops);
CREATE INDEX IF NOT EXISTS content_title_trgm_idx ON content USING gin (title gin_trgm_ops);
