-- Up Migration
-- Where the procedure runner stands in the global log (one row per runner name). Procedures keep
-- their own state in their streams; this only says which events the runner has reacted to.
CREATE TABLE IF NOT EXISTS procedure_runner_checkpoints (
  runner     text PRIMARY KEY,
  position   text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE IF EXISTS procedure_runner_checkpoints;
