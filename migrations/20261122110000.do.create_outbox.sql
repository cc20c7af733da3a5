-- The transactional outbox: what Neo4j (and later vectors, segments, caches) must learn about a
-- write, stored in the same PostgreSQL transaction as the write itself. The relay leases rows
-- (claimed_until) instead of holding a transaction open while it talks to the other store, and
-- deletes a row once its change is applied; failures back off through next_attempt_at.
CREATE TABLE outbox (
  id bigint GENERATED ALWAYS AS IDENTITY,
  topic text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  claimed_until timestamptz,
  last_error text,
  CONSTRAINT outbox_pkey PRIMARY KEY (id)
);

CREATE INDEX outbox_next_attempt_at_idx ON outbox (next_attempt_at, id);
