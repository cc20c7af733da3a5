-- Ids of erased customers, and of the customers merged into them before (their merge records
-- go with the erasure), so no write brings an erased person back under an id they had:
-- upsertCustomer creates a customer with any id it is given. The id is kept as it is: a random
-- key hides nothing a hash would protect, and the audit log keeps it as the erasure's record.
CREATE TABLE erased_customers (
  customer_id uuid NOT NULL,
  erased_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT erased_customers_pkey PRIMARY KEY (customer_id)
);

-- Erasures before this table, from their audit records: the customer erased and the id the
-- erasure was asked for (a merged id of theirs, or the same). Other ids merged into them were
-- recorded nowhere and cannot be recovered. An id a customer holds again (written after its
-- erasure) is left alone, for an operator to judge:
--   SELECT c.id FROM customers c JOIN audit_log a ON a.action = 'customer.erased'
--     AND (c.id = ANY (a.subject_ids) OR c.id::text = a.details->>'requestedId');
INSERT INTO erased_customers (customer_id, erased_at)
SELECT erased.id, min(erased.at)
FROM (
  SELECT unnest(subject_ids) AS id, at FROM audit_log WHERE action = 'customer.erased'
  UNION ALL
  SELECT (details->>'requestedId')::uuid, at FROM audit_log
  WHERE action = 'customer.erased'
    AND details->>'requestedId' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
) erased
WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = erased.id)
GROUP BY erased.id;
