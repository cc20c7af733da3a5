-- Events carry the client's session id and the channel they happened on (both optional), and
-- the content item an interaction event was resolved to, beside its product and campaign.
-- The checks match the gateway's validation (a session id of 1 to 128 characters, a short
-- lower-case channel name). Like product_id, content_id has no foreign key: events are history
-- and keep their reference if the item goes. The partial index serves the grouped recount of
-- (customer, content item) figures, as events_customer_id_product_id_idx does for products.
ALTER TABLE events
  ADD COLUMN session_id text,
  ADD COLUMN channel text,
  ADD COLUMN content_id uuid,
  ADD CONSTRAINT events_session_id_check CHECK (char_length(session_id) BETWEEN 1 AND 128),
  ADD CONSTRAINT events_channel_check CHECK (channel ~ '^[a-z][a-z0-9_-]{0,31}$');

CREATE INDEX events_customer_id_content_id_idx ON events (customer_id, content_id)
  WHERE content_id IS NOT NULL;
