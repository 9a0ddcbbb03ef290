-- Up Migration
-- Who read whose personal data (API.md "Reads": audit). Append-only: no API changes or deletes a
-- row, and the triggers refuse it to SQL too. Not a read model: a rebuild never touches it.
CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL,
  sub text NOT NULL,
  role text NOT NULL,
  office text,
  agency text,
  action text NOT NULL,
  pins text[] NOT NULL,
  purpose text
);
CREATE INDEX audit_log_pins ON audit_log USING gin (pins);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();

-- Down Migration
DROP TABLE audit_log;
DROP FUNCTION audit_log_is_append_only();
