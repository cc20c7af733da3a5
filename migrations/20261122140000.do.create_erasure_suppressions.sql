-- Identities of erased customers, stored only as SHA-256 hashes of "type:value", so c360 can
-- drop (and count) later events for them without keeping the personal value itself.
CREATE TABLE erasure_suppressions (
  identity_hash text NOT NULL,
  erased_at timestamptz NOT NULL DEFAULT now(),
  dropped_events bigint NOT NULL DEFAULT 0,
  CONSTRAINT erasure_suppressions_pkey PRIMARY KEY (identity_hash)
);
