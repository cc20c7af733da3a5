-- The 360 read model holds each customer's similar customers (their nearest neighbours by
-- preference vector; src/modules/read-model/README.md). A change to the customer's own vector
-- changes that list; a change to a listed neighbour's vector changes its score or drops it;
-- a vector removed (consent withdrawn, erasure) leaves every list that showed it. All three mark
-- like a profile change does: the customer's own document and every document that shows them,
-- recorded in customer_360_changes for a rebuild racing the write. A customer who comes nearer
-- than the listed ones marks nothing here: a document's list is served only for a bounded time
-- after its build (READ_MODEL_SIMILAR_MAX_AGE_S).
--
-- customer_id never changes in an update, so the new rows alone name every customer concerned.
CREATE TRIGGER customer_embeddings_360_insert AFTER INSERT ON customer_embeddings
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION customer_360_mark('with_refs', 'customer_id');
CREATE TRIGGER customer_embeddings_360_update AFTER UPDATE ON customer_embeddings
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION customer_360_mark('with_refs', 'customer_id');
CREATE TRIGGER customer_embeddings_360_delete AFTER DELETE ON customer_embeddings
  REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION customer_360_mark('with_refs', 'customer_id');
