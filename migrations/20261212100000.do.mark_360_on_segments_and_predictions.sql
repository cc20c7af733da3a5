-- The 360 read model holds each customer's segment memberships and predictions
-- (src/modules/read-model/README.md): an entry, an exit or a new score marks their document,
-- in the writing transaction, like their other rows. A segment's own row (name, size) is not
-- held: its size changes with every member's entry and exit. A membership's update only
-- rewrites what no document holds (the conditions behind it), so it marks nothing.
CREATE TRIGGER segment_memberships_360_insert AFTER INSERT ON segment_memberships
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION customer_360_mark('own', 'customer_id');
CREATE TRIGGER segment_memberships_360_delete AFTER DELETE ON segment_memberships
  REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION customer_360_mark('own', 'customer_id');
CREATE TRIGGER customer_predictions_360_insert AFTER INSERT ON customer_predictions
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION customer_360_mark('own', 'customer_id');
CREATE TRIGGER customer_predictions_360_update AFTER UPDATE ON customer_predictions
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION customer_360_mark('own', 'customer_id');
CREATE TRIGGER customer_predictions_360_delete AFTER DELETE ON customer_predictions
  REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION customer_360_mark('own', 'customer_id');
