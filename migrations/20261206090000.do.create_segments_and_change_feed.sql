-- Live segments (src/modules/segment/) and the durable change feed (src/changefeed/).

CREATE TABLE segments (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  key text NOT NULL,
  name text NOT NULL,
  description text,
  -- The normalised rule tree (src/modules/segment/rule/rule.ts) of the current version.
  rule jsonb NOT NULL,
  version integer NOT NULL DEFAULT 1,
  -- Segments the rule refers to (inSegment, relationship sub-rules): cycles are refused.
  refers_to uuid[] NOT NULL DEFAULT '{}',
  -- 'building' until a full evaluation of `version` has finished.
  status text NOT NULL DEFAULT 'building',
  evaluated_version integer,
  size integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT segments_pkey PRIMARY KEY (id),
  CONSTRAINT segments_key_key UNIQUE (key),
  CONSTRAINT segments_key_check CHECK (key ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
  CONSTRAINT segments_status_check CHECK (status IN ('building', 'ready')),
  CONSTRAINT segments_size_check CHECK (size >= 0)
);

CREATE TABLE segment_versions (
  segment_id uuid NOT NULL,
  version integer NOT NULL,
  rule jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT segment_versions_pkey PRIMARY KEY (segment_id, version),
  CONSTRAINT segment_versions_segment_id_fkey FOREIGN KEY (segment_id)
    REFERENCES segments (id) ON DELETE CASCADE
);

-- No foreign key to customers: a merge or an erasure must leave the rows for the segment
-- follower to turn into EXITED changes, not cascade them away unseen.
CREATE TABLE segment_memberships (
  segment_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  since timestamptz NOT NULL DEFAULT now(),
  -- The truth of each condition of the rule when last evaluated, to say which one flipped.
  conditions boolean[] NOT NULL DEFAULT '{}',
  -- The rule version `conditions` were computed with (they are only comparable within one).
  version integer NOT NULL DEFAULT 1,
  CONSTRAINT segment_memberships_pkey PRIMARY KEY (segment_id, customer_id),
  CONSTRAINT segment_memberships_segment_id_fkey FOREIGN KEY (segment_id)
    REFERENCES segments (id) ON DELETE CASCADE
);

CREATE INDEX segment_memberships_customer_id_idx ON segment_memberships (customer_id);
CREATE INDEX segment_memberships_since_idx ON segment_memberships (segment_id, since);

-- Every change subscribers and destinations follow, in commit order: writers append under one
-- transaction-scoped advisory lock (ChangeFeedStore.append), so a cursor is never committed
-- after a larger one and "everything after cursor N" never skips a late commit.
CREATE TABLE change_feed (
  cursor bigint GENERATED ALWAYS AS IDENTITY,
  stream text NOT NULL,
  segment_id uuid,
  customer_id uuid NOT NULL,
  change text NOT NULL,
  -- Segment stream: the segment's size once this change applied.
  size_after integer,
  reason jsonb,
  at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT change_feed_pkey PRIMARY KEY (cursor),
  CONSTRAINT change_feed_stream_check CHECK (stream IN ('segment', 'customer')),
  CONSTRAINT change_feed_segment_check CHECK ((stream = 'segment') = (segment_id IS NOT NULL))
);

CREATE INDEX change_feed_segment_id_idx ON change_feed (segment_id, cursor)
  WHERE segment_id IS NOT NULL;
CREATE INDEX change_feed_customer_id_idx ON change_feed (customer_id, cursor);
CREATE INDEX change_feed_at_idx ON change_feed (at);

-- How far retention has pruned the feed: a resume cursor below it has lost changes.
CREATE TABLE change_feed_horizon (
  singleton boolean NOT NULL DEFAULT true,
  pruned_through bigint NOT NULL DEFAULT 0,
  CONSTRAINT change_feed_horizon_pkey PRIMARY KEY (singleton),
  CONSTRAINT change_feed_horizon_singleton_check CHECK (singleton)
);
INSERT INTO change_feed_horizon DEFAULT VALUES;

-- "Back in stock" needs to know when a product came back: set whenever in_stock turns true.
ALTER TABLE products ADD COLUMN restocked_at timestamptz;

CREATE FUNCTION products_mark_restocked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.in_stock AND NOT OLD.in_stock THEN
    NEW.restocked_at := now();
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER products_restocked BEFORE UPDATE OF in_stock ON products
  FOR EACH ROW EXECUTE FUNCTION products_mark_restocked();
