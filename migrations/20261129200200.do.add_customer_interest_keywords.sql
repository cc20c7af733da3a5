-- Interests a profile declares (a preference centre, a CRM), as normalised keywords: the
-- PROFILE source of Customer.keywords, beside the keywords derived from what the customer
-- viewed and bought. Read only with the customer's row, so no index.
ALTER TABLE customers
  ADD COLUMN interest_keywords text[] NOT NULL DEFAULT '{}',
  ADD CONSTRAINT customers_interest_keywords_check CHECK (cardinality(interest_keywords) <= 50);
