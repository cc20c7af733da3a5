-- Behavioural events. A client message id is stored at most once, for as long as the event is
-- kept (events_message_id_key). The (customer_id, occurred_at, id) index serves a customer's
-- timeline newest first with keyset pagination.
CREATE TABLE events (
  id bigint GENERATED ALWAYS AS IDENTITY,
  message_id text NOT NULL,
  customer_id uuid NOT NULL,
  type text NOT NULL,
  name text,
  properties jsonb NOT NULL DEFAULT '{}'::jsonb,
  occurred_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT events_pkey PRIMARY KEY (id),
  CONSTRAINT events_message_id_key UNIQUE (message_id),
  CONSTRAINT events_customer_id_fkey FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE CASCADE,
  CONSTRAINT events_properties_is_object_check CHECK (jsonb_typeof(properties) = 'object')
);

CREATE INDEX events_customer_id_occurred_at_idx ON events (customer_id, occurred_at DESC, id DESC);
