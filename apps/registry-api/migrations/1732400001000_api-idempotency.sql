-- Up Migration
-- First answers to writes sent with an Idempotency-Key, per caller. status NULL: not finished yet.
CREATE TABLE api_idempotency (
  scope text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  status int,
  body jsonb,
  headers jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key)
);

-- Down Migration
DROP TABLE api_idempotency;
