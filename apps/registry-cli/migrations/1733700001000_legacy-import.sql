-- Up Migration
-- One row per import of a file: its phase and durable checkpoints (--resume continues from them).
CREATE TABLE import_runs (
  run_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  file_path text NOT NULL,
  file_size bigint NOT NULL,
  file_modified timestamptz NOT NULL,
  phase text NOT NULL CHECK (phase IN ('check', 'parents', 'append', 'rejects', 'done', 'abandoned')),
  -- Last data row whose check is staged (phase check) / whose append committed (phase append).
  checked_through bigint NOT NULL DEFAULT 0,
  appended_through bigint NOT NULL DEFAULT 0,
  rows_total bigint,
  rows_imported bigint NOT NULL DEFAULT 0,
  rows_rejected bigint,
  started_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX import_runs_file ON import_runs (file_path, file_size, file_modified) WHERE phase NOT IN ('done', 'abandoned');

-- What the import knows of each row while it runs: the PIN and parents (for the checks that need
-- the whole file) and the rule a rejected row broke. Removed when the run is done.
CREATE TABLE import_rows (
  run_id bigint NOT NULL REFERENCES import_runs ON DELETE CASCADE,
  row_number bigint NOT NULL,
  pin text,
  mother_pin text,
  father_pin text,
  code text,
  PRIMARY KEY (run_id, row_number)
);
CREATE INDEX import_rows_pin ON import_rows (run_id, pin);

-- Parents named in the file but not accepted rows of it: looked up in the registry's event store.
CREATE TABLE import_registry_parents (
  run_id bigint NOT NULL REFERENCES import_runs ON DELETE CASCADE,
  pin text NOT NULL,
  found boolean NOT NULL,
  PRIMARY KEY (run_id, pin)
);

-- Down Migration
DROP TABLE import_registry_parents;
DROP TABLE import_rows;
DROP TABLE import_runs;
