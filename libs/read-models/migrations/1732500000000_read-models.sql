-- Up Migration
-- Read models (DESIGN.md §5). Everything here is derived from the events and can be rebuilt.
-- The tables of each projection are created by a function that takes a name suffix, so a
-- rebuild creates the very same tables as `<name>_next`, fills them while the live ones keep
-- serving, and swaps them in (swap_in_read_model_tables). A later schema change replaces these
-- functions and is deployed by a rebuild.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Folds a name for search: no diacritics, no case, single spaces ("Nguyễn  Văn Đức" -> "nguyen van duc").
-- normalize() first, because unaccent's rules only know precomposed letters; translate() because
-- Đ/đ is a letter of its own (a stroke, not an accent) that not every unaccent.rules maps.
-- IMMUTABLE (unaccent itself is only STABLE) so that a generated column and an index may use it;
-- it stays true as long as the unaccent rules file is not edited (then: rebuild the read models).
CREATE FUNCTION search_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT lower(regexp_replace(btrim(translate(
    public.unaccent('public.unaccent'::regdictionary, normalize($1, NFC)), 'Đđ', 'Dd')), '\s+', ' ', 'g'))
$$;

-- One row per projection (and per rebuild in progress, `<name>@next`). A projection writes its
-- rows and its checkpoint in one transaction; the position is the store's opaque position text.
CREATE TABLE projection_checkpoints (
  projection text PRIMARY KEY,
  position text,
  processed bigint NOT NULL DEFAULT 0,
  last_recorded_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Current citizen record: `record` is the body of GET /v1/citizens/{pin} (API.md) as served,
-- revision included; `json`, not `jsonb`, so a lookup sends the stored text without re-encoding.
-- Each event rewrites its citizen's row: room left in each page keeps those updates on the page
-- (HOT, no index entry).
-- `replaced_by`: the PIN a correction re-established (the old PIN answers 301).
-- citizen_names is the narrow table search reads; a replaced PIN has no name row, so search finds
-- the person once, under the current PIN. search_name sorts bytewise (COLLATE "C"): names that
-- start with the text asked are one range of the (search_name, pin) index, in answer order.
CREATE FUNCTION create_citizen_tables(suffix text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE TABLE %1$I (
      pin text NOT NULL,
      revision integer NOT NULL,
      replaced_by text,
      record json NOT NULL,
      CONSTRAINT %2$I PRIMARY KEY (pin)) WITH (fillfactor = 80)',
    'citizen_records' || suffix, 'citizen_records' || suffix || '_pkey');
  EXECUTE format('CREATE TABLE %1$I (
      pin text NOT NULL,
      full_name text NOT NULL,
      search_name text COLLATE "C" GENERATED ALWAYS AS (search_fold(full_name)) STORED,
      date_of_birth date NOT NULL,
      residence_province_code text,
      CONSTRAINT %2$I PRIMARY KEY (pin))',
    'citizen_names' || suffix, 'citizen_names' || suffix || '_pkey');
  EXECUTE format('ALTER TABLE %I ALTER COLUMN search_name SET STATISTICS 1000', 'citizen_names' || suffix);
END $$;

-- Indexes only queries need, as statements: a rebuild runs them once, after the bulk of the rows,
-- several at a time. Names that start with the text: a range of _name; names that contain it
-- elsewhere: _search (trigrams).
CREATE FUNCTION index_citizen_tables(suffix text) RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
  SELECT format(statement, 'citizen_names' || suffix) FROM unnest(ARRAY[
    'CREATE INDEX IF NOT EXISTS %1$s_search ON %1$s USING gin (search_name gin_trgm_ops)',
    'CREATE INDEX IF NOT EXISTS %1$s_name ON %1$s (search_name, pin)',
    'CREATE INDEX IF NOT EXISTS %1$s_birth ON %1$s (date_of_birth, pin)',
    'CREATE INDEX IF NOT EXISTS %1$s_residence ON %1$s (residence_province_code, pin)'
  ]) AS statement
$$;

-- Residence history, bitemporal: `valid` is when the residence held in the world (days),
-- `recorded` when the registry held that belief. A change never edits a belief another
-- transaction could have seen: it closes the old version's `recorded` and adds a new version.
-- Key: the residence (the stream revision that registered it) and the version (the revision
-- that asserted it): deterministic, so a rebuild gives the same rows.
CREATE FUNCTION create_residence_tables(suffix text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE TABLE %1$I (
      pin text NOT NULL,
      kind text NOT NULL CHECK (kind IN (''permanent'', ''temporary'')),
      registered_by integer NOT NULL,
      asserted_by integer NOT NULL,
      province_code text NOT NULL,
      address json NOT NULL,
      valid daterange NOT NULL,
      recorded tstzrange NOT NULL,
      ended_by text,
      CONSTRAINT %2$I PRIMARY KEY (pin, kind, registered_by, asserted_by))',
    'residence_history' || suffix, 'residence_history' || suffix || '_pkey');
END $$;

-- Residents of a province in PIN order, and the population count, read this index only.
CREATE FUNCTION index_residence_tables(suffix text) RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
  SELECT format('CREATE INDEX IF NOT EXISTS %1$s_residents ON %1$s (province_code, pin) INCLUDE (valid, recorded)
                 WHERE kind = ''permanent''', 'residence_history' || suffix)
$$;

-- Births and deaths, one row per citizen: where and in which month (first day) each happened.
-- Counting rows per month is cheap with the indexes, and a correction of the date or place of
-- birth simply rewrites the row (per-month counters would need the old value to move a birth).
CREATE FUNCTION create_vital_statistics_tables(suffix text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE TABLE %1$I (
      pin text NOT NULL,
      birth_province_code text NOT NULL,
      birth_month date NOT NULL,
      death_province_code text,
      death_month date,
      CONSTRAINT %2$I PRIMARY KEY (pin))',
    'vital_events' || suffix, 'vital_events' || suffix || '_pkey');
END $$;

CREATE FUNCTION index_vital_statistics_tables(suffix text) RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
  SELECT format(statement, 'vital_events' || suffix) FROM unnest(ARRAY[
    'CREATE INDEX IF NOT EXISTS %1$s_births ON %1$s (birth_province_code, birth_month)',
    'CREATE INDEX IF NOT EXISTS %1$s_deaths ON %1$s (death_province_code, death_month) WHERE death_province_code IS NOT NULL'
  ]) AS statement
$$;

-- Replaces each live table by its rebuilt twin, indexes renamed to the live names. Called in the
-- rebuild's final transaction, after it has locked the live projections' checkpoints.
CREATE FUNCTION swap_in_read_model_tables(tables text[], suffix text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  t text;
  idx text;
BEGIN
  FOREACH t IN ARRAY tables LOOP
    EXECUTE format('DROP TABLE %I', t);
    EXECUTE format('ALTER TABLE %I RENAME TO %I', t || suffix, t);
    FOR idx IN SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = t LOOP
      IF left(idx, length(t || suffix)) = t || suffix THEN
        EXECUTE format('ALTER INDEX %I RENAME TO %I', idx, t || substr(idx, length(t || suffix) + 1));
      END IF;
    END LOOP;
  END LOOP;
END $$;

SELECT create_citizen_tables(''), create_residence_tables(''), create_vital_statistics_tables('');
DO $$
DECLARE statement text;
BEGIN
  FOR statement IN
    SELECT index_citizen_tables('') UNION ALL SELECT index_residence_tables('') UNION ALL SELECT index_vital_statistics_tables('')
  LOOP
    EXECUTE statement;
  END LOOP;
END $$;
INSERT INTO projection_checkpoints (projection) VALUES ('citizens'), ('residences'), ('vital-statistics');

-- Down Migration
DROP TABLE IF EXISTS citizen_records, citizen_names, residence_history, vital_events,
  citizen_records_next, citizen_names_next, residence_history_next, vital_events_next;
DROP TABLE projection_checkpoints;
DROP FUNCTION swap_in_read_model_tables(text[], text);
DROP FUNCTION index_vital_statistics_tables(text);
DROP FUNCTION create_vital_statistics_tables(text);
DROP FUNCTION index_residence_tables(text);
DROP FUNCTION create_residence_tables(text);
DROP FUNCTION index_citizen_tables(text);
DROP FUNCTION create_citizen_tables(text);
DROP FUNCTION search_fold(text);
