-- Outbox lanes: a follower that must not wait behind the others reads its own copy of the
-- messages it follows. Live segments whose rules read only what writes commit to PostgreSQL
-- (traits, events, consent, memberships) are evaluated from the 'segments' lane, so a dashboard
-- hears an entry without waiting for the graph writes ahead of it in 'main'. Each lane has its
-- own relays, claims, retries and leases (ordered like main, or unordered). See docs/events.md.
ALTER TABLE outbox ADD COLUMN lane text NOT NULL DEFAULT 'main';

CREATE INDEX outbox_lane_id_idx ON outbox (lane, id);

-- Which topics each lane other than 'main' follows: written by the lane's relays when they
-- start (they replace their lane's rows), read by the trigger below.
CREATE TABLE outbox_routes (
  lane text NOT NULL,
  topic text NOT NULL,
  CONSTRAINT outbox_routes_pkey PRIMARY KEY (topic, lane),
  CONSTRAINT outbox_routes_lane_check CHECK (lane <> 'main')
);

-- Every message is written to 'main' (by any writer, a gateway of an earlier version or a CLI
-- command included); this copies it, in the same transaction and in the same order, to every
-- lane routed to its topic.
CREATE FUNCTION outbox_copy_to_lanes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Copies are inserts too: without this their statement would fire this trigger again.
  IF NOT EXISTS (SELECT 1 FROM new_rows WHERE lane = 'main') THEN
    RETURN NULL;
  END IF;
  INSERT INTO outbox (lane, topic, payload, created_at)
  SELECT r.lane, n.topic, n.payload, n.created_at
  FROM new_rows n JOIN outbox_routes r ON r.topic = n.topic
  WHERE n.lane = 'main'
  ORDER BY n.id, r.lane;
  RETURN NULL;
END;
$$;

CREATE TRIGGER outbox_copy_to_lanes AFTER INSERT ON outbox
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION outbox_copy_to_lanes();

-- The segments lane's topics as this version follows them, and a copy of the messages of those
-- topics still waiting at the upgrade: from here on no write misses the lane, even before its
-- first relay starts.
INSERT INTO outbox_routes (lane, topic)
SELECT 'segments', t FROM unnest(ARRAY['events.accepted', 'graph.customer.upserted',
  'consent.changed', 'graph.customer.merged', 'customer.unmerged', 'graph.customer.erased']) AS t;

INSERT INTO outbox (lane, topic, payload, created_at)
SELECT r.lane, o.topic, o.payload, o.created_at
FROM outbox o JOIN outbox_routes r ON r.topic = o.topic
WHERE o.lane = 'main'
ORDER BY o.id;
