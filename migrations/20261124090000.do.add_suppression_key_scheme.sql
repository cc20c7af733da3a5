-- Suppression keys become HMAC-SHA256 of "type:value" under a secret pepper
-- (SUPPRESSION_PEPPER), so a dictionary over the phone-number space or a list of e-mail
-- addresses no longer reverses them. Rows written before hold unsalted SHA-256 of the same
-- text; they cannot be re-keyed without the plain values they hide, so they are marked
-- 'sha256' and still matched in that form. Every new row names its scheme (no default), and
-- c360 writes only 'hmac-sha256'.
ALTER TABLE erasure_suppressions
  ADD COLUMN key_scheme text NOT NULL DEFAULT 'sha256',
  ADD CONSTRAINT erasure_suppressions_key_scheme_check CHECK (key_scheme IN ('sha256', 'hmac-sha256'));

ALTER TABLE erasure_suppressions ALTER COLUMN key_scheme DROP DEFAULT;
