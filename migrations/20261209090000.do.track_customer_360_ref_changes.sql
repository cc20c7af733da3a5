-- When each customer, product, content item and campaign last changed, for the read model's
-- projector. A write marks the documents that show what it changed through customer_360_refs,
-- which hold what each document showed when it was last stored. A document being rebuilt may
-- come to show something new (a link made it a relative, a purchase showed a product), and a
-- write to that something racing the rebuild marks nothing: its trigger read the old refs, and
-- the build may have read the store before the write. So writes also record here what they
-- changed, and a pass stores a document only if nothing it shows changed after the pass's claim
-- (or before it, but not yet in the graph) and nothing it shows is being changed right now
-- (the row is locked by the writer). See src/modules/read-model/README.md.

CREATE TABLE customer_360_changes (
  entity_id uuid NOT NULL,
  -- The last transaction that changed it, and that transaction's start (the outbox's
  -- created_at of its write, compared with the claim's horizon).
  changed_xid xid8 NOT NULL,
  changed_at timestamptz NOT NULL,
  CONSTRAINT customer_360_changes_pkey PRIMARY KEY (entity_id)
);

-- Everything that exists already: changed long ago (xid 2, frozen, is visible to every
-- snapshot). A row must exist before a write can lock it: an insert in progress is invisible.
INSERT INTO customer_360_changes (entity_id, changed_xid, changed_at)
SELECT id, '2'::xid8, '-infinity'::timestamptz FROM customers
UNION ALL SELECT id, '2'::xid8, '-infinity'::timestamptz FROM products
UNION ALL SELECT id, '2'::xid8, '-infinity'::timestamptz FROM content
UNION ALL SELECT id, '2'::xid8, '-infinity'::timestamptz FROM campaigns
ON CONFLICT DO NOTHING;

-- As before, plus: a change to what others' documents show is recorded first (locking its
-- row until the write commits), then the documents that show it are marked (a statement
-- after the lock, so it sees refs a pass committed while the write waited for the lock).
CREATE OR REPLACE FUNCTION customer_360_mark() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  col text;
BEGIN
  IF TG_ARGV[0] IN ('with_refs', 'refs_only') THEN
    -- All columns in one ordered statement, so two writes changing the same rows (a link
    -- from X to Y and one from Y to X) lock them in the same order.
    EXECUTE format(
      'INSERT INTO customer_360_changes (entity_id, changed_xid, changed_at)
         SELECT e.id, pg_current_xact_id(), now()
           FROM (%s) e(id) WHERE e.id IS NOT NULL ORDER BY e.id
       ON CONFLICT (entity_id) DO UPDATE
         SET changed_xid = EXCLUDED.changed_xid, changed_at = EXCLUDED.changed_at',
      (SELECT string_agg(format('SELECT c.%I FROM changed c', x), ' UNION ')
         FROM unnest(TG_ARGV[1:]) x));
  END IF;
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
