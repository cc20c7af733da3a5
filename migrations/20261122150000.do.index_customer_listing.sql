-- customers(filter, first, after) pages by updated time as well as created time, and filters
-- on traits by containment (traits @> '{"plan":"gold"}'), which jsonb_path_ops serves compactly.
CREATE INDEX customers_updated_at_idx ON customers (updated_at, id);
CREATE INDEX customers_traits_idx ON customers USING gin (traits jsonb_path_ops);
