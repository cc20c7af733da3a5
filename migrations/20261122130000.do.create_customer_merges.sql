-- Which customer ids were merged into which survivor, and why. A merged id keeps resolving to
-- its survivor; chains are flattened when a survivor is itself merged later.
CREATE TABLE customer_merges (
  merged_id uuid NOT NULL,
  survivor_id uuid NOT NULL,
  cause text NOT NULL,
  merged_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT customer_merges_pkey PRIMARY KEY (merged_id),
  CONSTRAINT customer_merges_survivor_id_fkey FOREIGN KEY (survivor_id)
    REFERENCES customers (id) ON DELETE CASCADE,
  CONSTRAINT customer_merges_cause_check CHECK (cause IN ('identify', 'identity_conflict', 'manual'))
);

CREATE INDEX customer_merges_survivor_id_idx ON customer_merges (survivor_id);
