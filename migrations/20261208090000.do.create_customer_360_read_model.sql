-- The customer 360 read model (src/modules/read-model/): one precomputed document per customer
-- that someone has read, so a 360 read is one lookup instead of fifteen statements over two
-- stores. A document is served only while nothing it holds has changed since it was built:
-- every write to what it holds marks the customer (and every document that shows that
-- customer, product, content item or campaign) dirty in the write's own transaction, by the
-- triggers below, so no path that writes can forget to. A dirty document is never served
-- (the read takes the live path) until the projector has rebuilt it.

CREATE TABLE customer_360 (
  customer_id uuid NOT NULL,
  -- Which build of the held query made it: documents of another are ignored and rebuilt.
  format text NOT NULL,
  -- The loader results of the held query, serialised with node:v8 (keeps Dates and Maps).
  doc bytea NOT NULL,
  built_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT customer_360_pkey PRIMARY KEY (customer_id),
  CONSTRAINT customer_360_customer_id_fkey FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE CASCADE
);

-- What each document shows of others (relatives' profiles, products, content, campaigns):
-- a change to one of them marks every document that shows it.
CREATE TABLE customer_360_refs (
  ref_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  CONSTRAINT customer_360_refs_pkey PRIMARY KEY (ref_id, customer_id),
  CONSTRAINT customer_360_refs_customer_id_fkey FOREIGN KEY (customer_id)
    REFERENCES customer_360 (customer_id) ON DELETE CASCADE
);

CREATE INDEX customer_360_refs_customer_id_idx ON customer_360_refs (customer_id);

-- Customers whose document may be out of date. No foreign key: a cascade delete of a
-- customer's events marks a customer that is itself going away (the projector drops it).
-- marked_at is the write transaction's start, as the outbox's created_at is: the projector
-- rebuilds only once the outbox holds nothing older, so the graph has the write too.
-- leased_until: an instance is rebuilding from this mark (others leave it alone meanwhile).
CREATE TABLE customer_360_dirty (
  id bigint GENERATED ALWAYS AS IDENTITY,
  customer_id uuid NOT NULL,
  marked_at timestamptz NOT NULL DEFAULT now(),
  leased_until timestamptz,
  CONSTRAINT customer_360_dirty_pkey PRIMARY KEY (id)
);

CREATE INDEX customer_360_dirty_customer_id_idx ON customer_360_dirty (customer_id);

-- Marks the customers named by one column of the changed rows (`changed`, the statement's
-- transition table) and, with `with_refs`, the documents that show them.
CREATE FUNCTION customer_360_mark() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  col text;
BEGIN
  FOREACH col IN ARRAY TG_ARGV[1:] LOOP
    IF TG_ARGV[0] = 'with_refs' THEN
      EXECUTE format(
        'INSERT INTO customer_360_dirty (customer_id)
           SELECT DISTINCT c.%1$I FROM changed c
           UNION SELECT r.customer_id FROM customer_360_refs r
                   WHERE r.ref_id IN (SELECT c.%1$I FROM changed c)', col);
    ELSIF TG_ARGV[0] = 'refs_only' THEN
      EXECUTE format(
        'INSERT INTO customer_360_dirty (customer_id)
           SELECT DISTINCT r.customer_id FROM customer_360_refs r
            WHERE r.ref_id IN (SELECT c.%1$I FROM changed c)', col);
    ELSE
      EXECUTE format(
        'INSERT INTO customer_360_dirty (customer_id)
           SELECT DISTINCT c.%1$I FROM changed c WHERE c.%1$I IS NOT NULL', col);
    END IF;
  END LOOP;
  RETURN NULL;
END;
$$;

-- One trigger per table and event: a trigger with transition tables fires for one event only.
-- UPDATE marks both the old and the new rows (a merge moves rows between customers).
CREATE PROCEDURE customer_360_watch(tbl text, mode text, cols text[])
LANGUAGE plpgsql AS $$
DECLARE
  args text := array_to_string(ARRAY(SELECT quote_literal(x) FROM unnest(mode || cols) x), ', ');
BEGIN
  EXECUTE format('CREATE TRIGGER %1$s_360_insert AFTER INSERT ON %1$I
                    REFERENCING NEW TABLE AS changed
                    FOR EACH STATEMENT EXECUTE FUNCTION customer_360_mark(%2$s)', tbl, args);
  EXECUTE format('CREATE TRIGGER %1$s_360_update_new AFTER UPDATE ON %1$I
                    REFERENCING NEW TABLE AS changed
                    FOR EACH STATEMENT EXECUTE FUNCTION customer_360_mark(%2$s)', tbl, args);
  EXECUTE format('CREATE TRIGGER %1$s_360_update_old AFTER UPDATE ON %1$I
                    REFERENCING OLD TABLE AS changed
                    FOR EACH STATEMENT EXECUTE FUNCTION customer_360_mark(%2$s)', tbl, args);
  EXECUTE format('CREATE TRIGGER %1$s_360_delete AFTER DELETE ON %1$I
                    REFERENCING OLD TABLE AS changed
                    FOR EACH STATEMENT EXECUTE FUNCTION customer_360_mark(%2$s)', tbl, args);
END;
$$;

-- A customer's own rows.
CALL customer_360_watch('identities', 'own', ARRAY['customer_id']);
CALL customer_360_watch('customer_consents', 'own', ARRAY['customer_id']);
CALL customer_360_watch('events', 'own', ARRAY['customer_id']);
CALL customer_360_watch('campaign_targets', 'own', ARRAY['customer_id']);
CALL customer_360_watch('customer_merges', 'own', ARRAY['survivor_id']);
-- Profiles are shown by relatives' documents too; a link changes both ends' walks and those
-- of every document that shows either end.
CALL customer_360_watch('customers', 'with_refs', ARRAY['id']);
CALL customer_360_watch('customer_relationships', 'with_refs', ARRAY['from_id', 'to_id']);
-- Catalogue rows are only shown by others.
CALL customer_360_watch('products', 'refs_only', ARRAY['id']);
CALL customer_360_watch('content', 'refs_only', ARRAY['id']);
CALL customer_360_watch('campaigns', 'refs_only', ARRAY['id']);

DROP PROCEDURE customer_360_watch(text, text, text[]);
