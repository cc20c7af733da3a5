-- API keys. Only the SHA-256 of the secret is stored, so a leaked table grants nothing; the
-- prefix is a non-secret handle for lists and logs. Keys are revoked, never deleted, so audit
-- rows keep pointing at the key that acted.
CREATE TABLE api_keys (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL,
  key_hash bytea NOT NULL,
  prefix text NOT NULL,
  scopes text[] NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  CONSTRAINT api_keys_pkey PRIMARY KEY (id),
  CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash),
  CONSTRAINT api_keys_name_check CHECK (length(name) BETWEEN 1 AND 100),
  CONSTRAINT api_keys_scopes_check CHECK (
    cardinality(scopes) > 0 AND scopes <@ ARRAY['read', 'read:pii', 'write', 'admin']
  )
);
