-- The 360 read model holds each customer's similar customers (their nearest neighbours by
-- preference vector, per model; src/modules/read-model/README.md). What marks a document here:
-- - a vector written for a customer with a document marks it: a refit writes the new model's,
--   which the document's lists (kept by model) lack, and a customer's events change theirs (the
--   event marks the document too; its rebuild waits for the outbox, so for that vector);
-- - a customer left without any vector (personalization withdrawn, erasure) marks their own
--   document and every document that shows them, recorded in customer_360_changes for a
--   rebuild racing the write: they leave every list at once. A refit's removal of the old
--   model's vectors leaves the new model's, and marks nothing.
-- A listed neighbour's vector drifting (a vector changes with every event of its customer) or
-- someone else's coming nearer marks nothing: marking every document that lists an active
-- customer on each of their events would keep those documents rebuilding. A document's lists
-- are served only for a bounded time after its build instead (READ_MODEL_SIMILAR_MAX_AGE_S),
-- which also bounds what the marks above leave out: a vector written while a first document
-- is claimed but before its placeholder row is visible.
CREATE FUNCTION customer_360_mark_vectors() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN
    -- A customer without a document needs no mark: a refit writes every customer's vector.
    INSERT INTO customer_360_dirty (customer_id)
    SELECT DISTINCT c.customer_id FROM changed c
     WHERE EXISTS (SELECT 1 FROM customer_360 v WHERE v.customer_id = c.customer_id);
    RETURN NULL;
  END IF;
  -- As customer_360_mark does for shown rows: the change first (locking its row until the
  -- write commits), then, in a later statement, the documents that show them.
  INSERT INTO customer_360_changes (entity_id, changed_xid, changed_at)
  SELECT DISTINCT c.customer_id, pg_current_xact_id(), now() FROM changed c
   WHERE NOT EXISTS (SELECT 1 FROM customer_embeddings e WHERE e.customer_id = c.customer_id)
   ORDER BY 1
  ON CONFLICT (entity_id) DO UPDATE
    SET changed_xid = EXCLUDED.changed_xid, changed_at = EXCLUDED.changed_at;
  WITH vectorless AS (
    SELECT DISTINCT c.customer_id AS id FROM changed c
     WHERE NOT EXISTS (SELECT 1 FROM customer_embeddings e WHERE e.customer_id = c.customer_id)
  )
  INSERT INTO customer_360_dirty (customer_id)
  SELECT id FROM vectorless
  UNION SELECT r.customer_id FROM customer_360_refs r WHERE r.ref_id IN (SELECT id FROM vectorless);
  RETURN NULL;
END;
$$;

-- customer_id never changes in an update, so the new rows alone name every customer concerned.
CREATE TRIGGER customer_embeddings_360_insert AFTER INSERT ON customer_embeddings
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION customer_360_mark_vectors();
CREATE TRIGGER customer_embeddings_360_update AFTER UPDATE ON customer_embeddings
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION customer_360_mark_vectors();
CREATE TRIGGER customer_embeddings_360_delete AFTER DELETE ON customer_embeddings
  REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION customer_360_mark_vectors();
