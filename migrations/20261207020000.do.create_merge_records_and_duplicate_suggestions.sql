-- Merges become explainable and reversible: each merge keeps its provenance (cause, the
-- suggestion and evidence behind it, the API key that asked, when) and everything needed to
-- undo it (the merged customer's row and consents, the survivor's profile and consents before,
-- the identities, events and flattened merge chains that moved). The graph side (the
-- relationships both customers had in Neo4j) is captured by the merge's first graph follower,
-- before the edges move, into merged_edges / survivor_edges. No foreign keys: a record outlives
-- both customers (the survivor may later be merged on or erased, which makes it irreversible
-- but still explainable); an erasure scrubs the snapshots (scrubbed_at).
ALTER TABLE customer_merges
  DROP CONSTRAINT customer_merges_cause_check,
  ADD CONSTRAINT customer_merges_cause_check
    CHECK (cause IN ('identify', 'identity_conflict', 'manual', 'suggestion'));

CREATE TABLE merge_records (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  merged_id uuid NOT NULL,
  survivor_id uuid NOT NULL,
  cause text NOT NULL,
  suggestion_id uuid,
  evidence jsonb,
  api_key_id uuid,
  merged_at timestamptz NOT NULL DEFAULT now(),
  merged_row jsonb,
  merged_consents jsonb,
  survivor_before jsonb,
  moved_identities jsonb,
  moved_event_ids bigint[],
  flattened_ids uuid[],
  merged_edges jsonb,
  survivor_edges jsonb,
  undone_at timestamptz,
  undone_by_key_id uuid,
  undo_report jsonb,
  scrubbed_at timestamptz,
  CONSTRAINT merge_records_pkey PRIMARY KEY (id),
  CONSTRAINT merge_records_cause_check
    CHECK (cause IN ('identify', 'identity_conflict', 'manual', 'suggestion'))
);

CREATE INDEX merge_records_merged_id_idx ON merge_records (merged_id, merged_at DESC);
CREATE INDEX merge_records_survivor_id_idx ON merge_records (survivor_id, merged_at DESC);

-- Candidate duplicate pairs scored by the record-linkage model (src/modules/duplicate/). One
-- row per unordered pair (customer_a < customer_b), kept after a decision: a rejected pair is
-- never suggested again, an accepted one points at its merge. Open rows whose customers have
-- gone (merged or erased) are dropped by the next scan and never listed.
CREATE TABLE duplicate_suggestions (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  customer_a uuid NOT NULL,
  customer_b uuid NOT NULL,
  confidence double precision NOT NULL,
  match_weight double precision NOT NULL,
  evidence jsonb NOT NULL,
  blocking_keys text[] NOT NULL,
  status text NOT NULL DEFAULT 'open',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  decided_at timestamptz,
  decided_by_key_id uuid,
  merge_id uuid,
  CONSTRAINT duplicate_suggestions_pkey PRIMARY KEY (id),
  CONSTRAINT duplicate_suggestions_pair_key UNIQUE (customer_a, customer_b),
  CONSTRAINT duplicate_suggestions_order_check CHECK (customer_a < customer_b),
  CONSTRAINT duplicate_suggestions_confidence_check CHECK (confidence BETWEEN 0 AND 1),
  CONSTRAINT duplicate_suggestions_status_check CHECK (status IN ('open', 'accepted', 'rejected'))
);

CREATE INDEX duplicate_suggestions_open_idx ON duplicate_suggestions (confidence DESC, id)
  WHERE status = 'open';
CREATE INDEX duplicate_suggestions_customer_b_idx ON duplicate_suggestions (customer_b);
