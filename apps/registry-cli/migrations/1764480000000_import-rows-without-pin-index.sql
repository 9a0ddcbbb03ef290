-- Up Migration
-- The whole-file checks (duplicates, parents) join import_rows with itself by hash over the run:
-- an index on the PIN is never the better plan at import sizes, and keeping it up to date
-- cost a random b-tree insert per staged row.
DROP INDEX import_rows_pin;

-- Down Migration
CREATE INDEX import_rows_pin ON import_rows (run_id, pin);
