-- Activation (src/modules/activation/): segment changes delivered to outside systems by webhook.

-- One row per destination, holding its delivery state too, so retries survive restarts and move
-- between instances. One instance at a time delivers a destination: it claims the row (FOR
-- UPDATE SKIP LOCKED) and writes its `claimed_by` token with a lease (`claimed_until`); every
-- later write checks the token, so an instance whose lease ran out cannot move the cursor.
CREATE TABLE webhook_destinations (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  url text NOT NULL,
  -- Signs every request (HMAC-SHA256). Kept as is: signing needs the secret itself, not a hash.
  secret text NOT NULL,
  -- NULL: every segment.
  segment_ids uuid[],
  changes text[] NOT NULL DEFAULT '{ENTERED,EXITED}',
  -- The last change_feed cursor delivered or dead-lettered; starts at the feed's head.
  cursor bigint NOT NULL,
  active boolean NOT NULL DEFAULT true,
  -- The batch being delivered: fixed before its first attempt, so each retry sends the same
  -- changes under the same delivery id (receivers de-duplicate on it).
  pending_delivery_id uuid,
  pending_through bigint,
  -- Failed attempts of the pending batch.
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error text,
  claimed_by uuid,
  claimed_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT webhook_destinations_pkey PRIMARY KEY (id),
  CONSTRAINT webhook_destinations_changes_check
    CHECK (changes <@ '{ENTERED,EXITED}'::text[] AND cardinality(changes) > 0),
  CONSTRAINT webhook_destinations_pending_check
    CHECK ((pending_delivery_id IS NULL) = (pending_through IS NULL)),
  CONSTRAINT webhook_destinations_attempts_check CHECK (attempts >= 0)
);

CREATE INDEX webhook_destinations_due_idx ON webhook_destinations (next_attempt_at) WHERE active;

-- Every attempt, for operators (Query.webhookDestination.deliveries).
CREATE TABLE webhook_deliveries (
  id bigint GENERATED ALWAYS AS IDENTITY,
  destination_id uuid NOT NULL,
  delivery_id uuid NOT NULL,
  first_cursor bigint NOT NULL,
  last_cursor bigint NOT NULL,
  change_count integer NOT NULL,
  attempt integer NOT NULL,
  outcome text NOT NULL,
  http_status integer,
  error text,
  duration_ms integer NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT webhook_deliveries_pkey PRIMARY KEY (id),
  CONSTRAINT webhook_deliveries_destination_id_fkey FOREIGN KEY (destination_id)
    REFERENCES webhook_destinations (id) ON DELETE CASCADE,
  CONSTRAINT webhook_deliveries_outcome_check
    CHECK (outcome IN ('delivered', 'failed', 'dead_lettered'))
);

CREATE INDEX webhook_deliveries_destination_id_idx ON webhook_deliveries (destination_id, id);

-- Batches given up on after the last attempt; the cursor moved past them. `body` is json (not
-- jsonb) so a redelivery sends the very text the receiver was first offered.
CREATE TABLE webhook_dead_letters (
  id bigint GENERATED ALWAYS AS IDENTITY,
  destination_id uuid NOT NULL,
  delivery_id uuid NOT NULL,
  first_cursor bigint NOT NULL,
  last_cursor bigint NOT NULL,
  change_count integer NOT NULL,
  body json NOT NULL,
  last_error text,
  attempts integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  redelivered_at timestamptz,
  CONSTRAINT webhook_dead_letters_pkey PRIMARY KEY (id),
  CONSTRAINT webhook_dead_letters_destination_id_fkey FOREIGN KEY (destination_id)
    REFERENCES webhook_destinations (id) ON DELETE CASCADE
);

CREATE INDEX webhook_dead_letters_destination_id_idx ON webhook_dead_letters (destination_id, id);
