-- Who read or changed personal data, append-only. One row per GraphQL operation for reads
-- (all customers it touched in subject_ids), one per erasure, export and key change.
CREATE TABLE audit_log (
  id bigserial NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  -- NULL when an operator acted through the CLI rather than with a key.
  key_id uuid,
  action text NOT NULL,
  subject_ids uuid[] NOT NULL DEFAULT '{}',
  request_id text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  CONSTRAINT audit_log_pkey PRIMARY KEY (id),
  CONSTRAINT audit_log_key_id_fkey FOREIGN KEY (key_id) REFERENCES api_keys (id),
  CONSTRAINT audit_log_action_check CHECK (
    action IN ('pii.read', 'customer.erased', 'customer.exported', 'key.created', 'key.revoked')
  )
);

CREATE INDEX audit_log_at_idx ON audit_log (at, id);
CREATE INDEX audit_log_subject_ids_idx ON audit_log USING gin (subject_ids);

-- An audit trail that can be edited proves nothing: refuse UPDATE, DELETE and TRUNCATE.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_log_no_update_or_delete
  BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TRIGGER audit_log_no_truncate
  BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
