-- The product (view, cart_add, purchase) or campaign (campaign_touch) an event was resolved to
-- when it was tracked; null when it named none or one c360 does not know. The indexes serve
-- the grouped count that gives the graph's interaction edges their absolute count and times.
-- No foreign keys: events are history and keep their reference if a catalog row goes.
ALTER TABLE events ADD COLUMN product_id uuid, ADD COLUMN campaign_id uuid;

CREATE INDEX events_customer_id_product_id_idx ON events (customer_id, product_id)
  WHERE product_id IS NOT NULL;
CREATE INDEX events_customer_id_campaign_id_idx ON events (customer_id, campaign_id)
  WHERE campaign_id IS NOT NULL;
