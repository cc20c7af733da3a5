-- One row per computed recommendation answer (cache hits keep the row of the answer they
-- repeat), so that views, clicks and purchases carrying its request id can be attributed to the
-- surface, variant and models that produced it. No foreign key to customers: the gateway
-- writes these in batches off the request path, and the recommendation module deletes a
-- customer's rows on erasure and moves them on a merge (its outbox appliers).
CREATE TABLE recommendation_impressions (
  request_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  surface text NOT NULL,
  variant text NOT NULL,
  model_version text NOT NULL,
  item_ids uuid[] NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT recommendation_impressions_pkey PRIMARY KEY (request_id)
);

-- Every report reads a window of impressions; erasure and merges find a customer's rows.
CREATE INDEX recommendation_impressions_created_at_idx
  ON recommendation_impressions (created_at);
CREATE INDEX recommendation_impressions_customer_id_idx
  ON recommendation_impressions (customer_id);

-- Attribution: the events that may carry a request id, found from the impression's side.
-- Partial, so the bulk of events (page views, cart changes) does not pay for it; queries must
-- repeat the same type list for the planner to use it.
CREATE INDEX events_recommendation_request_id_idx
  ON events ((properties->>'requestId'))
  WHERE type IN ('recommendation_view', 'recommendation_click', 'purchase');
