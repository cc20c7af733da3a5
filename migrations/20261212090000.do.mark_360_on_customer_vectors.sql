-- The 360 read model holds each customer's similar customers (their nearest neighbours by
-- preference vector; src/modules/read-model/README.md). What marks a document here:
-- - a vector written for the customer (a refit, or the recommendation follower after their
--   events: an event marks the document too, and its rebuild waits for the follower) marks
--   their own document;
-- - a vector removed (personalization withdrawn, erasure, a refit's old model) marks their own
--   document and every document that shows them, recorded in customer_360_changes for a
--   rebuild racing the write: a customer who withdrew leaves every list at once.
-- A listed neighbour's vector drifting (a vector changes with every event of its customer) or
-- someone else's coming nearer marks nothing: marking every document that lists an active
-- customer on each of their events would keep those documents rebuilding. A document's lists
-- are served only for a bounded time after its build instead (READ_MODEL_SIMILAR_MAX_AGE_S).
--
-- customer_id never changes in an update, so the new rows alone name every customer concerned.
CREATE TRIGGER customer_embeddings_360_insert AFTER INSERT ON customer_embeddings
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION customer_360_mark('own', 'customer_id');
CREATE TRIGGER customer_embeddings_360_update AFTER UPDATE ON customer_embeddings
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION customer_360_mark('own', 'customer_id');
CREATE TRIGGER customer_embeddings_360_delete AFTER DELETE ON customer_embeddings
  REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION customer_360_mark('with_refs', 'customer_id');
