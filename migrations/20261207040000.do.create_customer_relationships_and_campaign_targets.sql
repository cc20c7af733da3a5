-- PostgreSQL becomes the system of record for the two kinds of graph edge that used to exist
-- only in Neo4j, so `c360 graph rebuild` can re-project the whole graph from here.
--
-- customer_relationships: one row per edge exactly as the graph holds it. Directed types
-- (PARENT_OF, REFERRED) read from_id -> to_id; for the others the direction is only how the
-- link was written (the graph keeps it too), and an unlink removes both directions. Rows go
-- with either customer (ON DELETE CASCADE: erasure), and a merge moves them to the survivor
-- first (merge.store.ts).
CREATE TABLE customer_relationships (
  type text NOT NULL,
  from_id uuid NOT NULL,
  to_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT customer_relationships_pkey PRIMARY KEY (type, from_id, to_id),
  CONSTRAINT customer_relationships_from_id_fkey FOREIGN KEY (from_id)
    REFERENCES customers (id) ON DELETE CASCADE,
  CONSTRAINT customer_relationships_to_id_fkey FOREIGN KEY (to_id)
    REFERENCES customers (id) ON DELETE CASCADE,
  CONSTRAINT customer_relationships_not_self_check CHECK (from_id <> to_id),
  CONSTRAINT customer_relationships_type_check
    CHECK (type IN ('SPOUSE_OF', 'PARENT_OF', 'SIBLING_OF', 'HOUSEHOLD_MEMBER', 'REFERRED'))
);

-- The primary key leads with the type: these serve a customer's edges (merges, cascades).
CREATE INDEX customer_relationships_from_id_idx ON customer_relationships (from_id);
CREATE INDEX customer_relationships_to_id_idx ON customer_relationships (to_id);

-- campaign_targets: the latest time each campaign targeted each customer (the graph's
-- (Customer)-[:TARGETED_BY {at}]->(Campaign)).
CREATE TABLE campaign_targets (
  customer_id uuid NOT NULL,
  campaign_id uuid NOT NULL,
  targeted_at timestamptz NOT NULL,
  CONSTRAINT campaign_targets_pkey PRIMARY KEY (customer_id, campaign_id),
  CONSTRAINT campaign_targets_customer_id_fkey FOREIGN KEY (customer_id)
    REFERENCES customers (id) ON DELETE CASCADE,
  CONSTRAINT campaign_targets_campaign_id_fkey FOREIGN KEY (campaign_id)
    REFERENCES campaigns (id) ON DELETE CASCADE
);

CREATE INDEX campaign_targets_campaign_id_idx ON campaign_targets (campaign_id);
