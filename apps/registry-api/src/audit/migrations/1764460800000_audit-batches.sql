-- Up Migration
-- The audit records of one group commit as one row (ADR 0100): one heap tuple, one key and one
-- commit for the whole batch, not one row, identity and index entry per read. Still one record
-- per read, in the order the reads were opened. audit_log keeps the records written before; it
-- stays append-only and is read with this table (audit_records, GET /v1/audit).
--
-- records: a JSON array, one element per read:
--   [at (ms since the epoch), sub, role, office, agency, action, [pins], purpose]
-- pins: every PIN the batch's reads named, for the GIN index that finds a citizen's batches.
-- id: from audit_log's own sequence, so that a batch is always newer than every audit_log row and
-- one position (id * 1000 + the record's place in its batch) orders both tables.
CREATE TABLE audit_batches (
  id bigint PRIMARY KEY DEFAULT nextval('audit_log_id_seq'),
  pins text[] NOT NULL,
  records json NOT NULL
);
CREATE INDEX audit_batches_pins ON audit_batches USING gin (pins);

CREATE TRIGGER audit_batches_no_change BEFORE UPDATE OR DELETE ON audit_batches
  FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_batches_no_truncate BEFORE TRUNCATE ON audit_batches
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();

-- Every record, one row each, from both tables: for auditors reading SQL (and the tests).
-- position orders them (newest highest) and is the cursor of GET /v1/audit.
CREATE VIEW audit_records AS
  SELECT id * 1000 AS position, at, sub, role, office, agency, action, pins, purpose
    FROM audit_log
  UNION ALL
  SELECT b.id * 1000 + r.ord AS position,
         to_timestamp((r.rec ->> 0)::bigint / 1000.0) AS at,
         r.rec ->> 1 AS sub, r.rec ->> 2 AS role, r.rec ->> 3 AS office, r.rec ->> 4 AS agency,
         r.rec ->> 5 AS action, ARRAY(SELECT json_array_elements_text(r.rec -> 6)) AS pins, r.rec ->> 7 AS purpose
    FROM audit_batches b CROSS JOIN LATERAL json_array_elements(b.records) WITH ORDINALITY AS r(rec, ord);

-- Down Migration
DROP VIEW audit_records;
DROP TABLE audit_batches;
