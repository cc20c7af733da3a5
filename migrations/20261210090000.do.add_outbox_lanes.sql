-- Outbox lanes: a follower that must not wait behind the others reads its own copy of the
-- messages it follows. Live segments whose rules read only PostgreSQL (traits, events,
-- consent, memberships) are evaluated from the 'segments' lane, so a dashboard hears an entry
-- without waiting for the graph writes ahead of it in 'main'. Each lane keeps the outbox's
-- guarantees on its own: claims in id order, retries, leases. See docs/events.md.
ALTER TABLE outbox ADD COLUMN lane text NOT NULL DEFAULT 'main';

CREATE INDEX outbox_lane_id_idx ON outbox (lane, id);

-- Which topics each lane other than 'main' follows: written by the lane's relays when they
-- start, read by every write (a message is stored once for 'main' and once per lane here).
CREATE TABLE outbox_routes (
  lane text NOT NULL,
  topic text NOT NULL,
  CONSTRAINT outbox_routes_pkey PRIMARY KEY (topic, lane),
  CONSTRAINT outbox_routes_lane_check CHECK (lane <> 'main')
);
