-- Up Migration
-- The procedures supervisors list (API.md, Procedures): one row per procedure, its status and
-- deadline. A procedure's own stream stays the truth; this table only answers the list.
CREATE FUNCTION create_procedure_tables(suffix text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE TABLE %1$I (
      id text NOT NULL,
      kind text NOT NULL,
      pin text NOT NULL,
      province_code text NOT NULL,
      status text NOT NULL,
      started_at timestamptz NOT NULL,
      due_by date NOT NULL,
      CONSTRAINT %2$I PRIMARY KEY (id))',
    'procedures' || suffix, 'procedures' || suffix || '_pkey');
END $$;

CREATE FUNCTION index_procedure_tables(suffix text) RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
  SELECT format(statement, 'procedures' || suffix) FROM unnest(ARRAY[
    'CREATE INDEX IF NOT EXISTS %1$s_by_province ON %1$s (province_code, status, started_at DESC, id)',
    'CREATE INDEX IF NOT EXISTS %1$s_by_status ON %1$s (status, started_at DESC, id)'
  ]) AS statement
$$;

SELECT create_procedure_tables('');
DO $$
DECLARE statement text;
BEGIN
  FOR statement IN SELECT index_procedure_tables('') LOOP
    EXECUTE statement;
  END LOOP;
END $$;
INSERT INTO projection_checkpoints (projection) VALUES ('procedures') ON CONFLICT DO NOTHING;

-- Down Migration
DROP TABLE IF EXISTS procedures, procedures_next;
DELETE FROM projection_checkpoints WHERE projection = 'procedures';
DROP FUNCTION index_procedure_tables(text);
DROP FUNCTION create_procedure_tables(text);
