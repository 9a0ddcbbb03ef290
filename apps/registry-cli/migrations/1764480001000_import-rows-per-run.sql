-- Up Migration
-- Staged rows get a table per run (a partition), dropped when the run is done: deleting a
-- hundred million rows would write as much WAL as staging them did, and leave the space to
-- vacuum. Still no index on the PIN (previous migration). Runs under way lose their staged
-- rows: they are abandoned (an import without --resume reads its file again, same result).
UPDATE import_runs SET phase = 'abandoned' WHERE phase NOT IN ('done', 'abandoned');
DROP TABLE import_rows;
CREATE TABLE import_rows (
  run_id bigint NOT NULL REFERENCES import_runs ON DELETE CASCADE,
  row_number bigint NOT NULL,
  pin text,
  mother_pin text,
  father_pin text,
  code text,
  PRIMARY KEY (run_id, row_number)
) PARTITION BY LIST (run_id);

-- Down Migration
UPDATE import_runs SET phase = 'abandoned' WHERE phase NOT IN ('done', 'abandoned');
DROP TABLE import_rows;
CREATE TABLE import_rows (
  run_id bigint NOT NULL REFERENCES import_runs ON DELETE CASCADE,
  row_number bigint NOT NULL,
  pin text,
  mother_pin text,
  father_pin text,
  code text,
  PRIMARY KEY (run_id, row_number)
);
