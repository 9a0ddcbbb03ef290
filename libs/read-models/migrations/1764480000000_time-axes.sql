-- Up Migration
-- Both time axes answered alike everywhere (docs/historians.md, ADR 0024):
-- * citizen_records.registered: what the folded record holds and the answer shows otherwise: the
--   names by valid time once a citizen changed names (a correction of the birth name then leaves
--   later names be), residences as registered where the answer clips them at birth;
-- * residence_history: `held_from`/`held_to` the residence as registered and ended, `since` its
--   first day not before birth, `valid` the days a census at 0:00 counts it; residence_lives the
--   dates of birth and death every residence is clipped to (a corrected, later date of birth
--   clips them; a death, even one registered late, ends them all);
-- * vital_events: one version per belief with its `recorded` range, so births-and-deaths answer
--   as known at any instant (a late death registration does not rewrite what was known before).
-- New columns come last, as ALTER TABLE adds them, so a rebuilt table equals a migrated one.
-- The three projections are emptied and start again from position 0: the projector refills them
-- on start (in production, run `npm run rebuild` instead, which swaps the tables in when caught up).
CREATE OR REPLACE FUNCTION create_citizen_tables(suffix text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE TABLE %1$I (
      pin text NOT NULL,
      revision integer NOT NULL,
      replaced_by text,
      record json NOT NULL,
      registered json,
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

CREATE OR REPLACE FUNCTION create_residence_tables(suffix text) RETURNS void LANGUAGE plpgsql AS $$
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
      held_from date NOT NULL,
      held_to date,
      since date NOT NULL,
      CONSTRAINT %2$I PRIMARY KEY (pin, kind, registered_by, asserted_by))',
    'residence_history' || suffix, 'residence_history' || suffix || '_pkey');
  EXECUTE format('CREATE TABLE %1$I (
      pin text NOT NULL,
      date_of_birth date NOT NULL,
      date_of_death date,
      CONSTRAINT %2$I PRIMARY KEY (pin))',
    'residence_lives' || suffix, 'residence_lives' || suffix || '_pkey');
END $$;

CREATE OR REPLACE FUNCTION create_vital_statistics_tables(suffix text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE TABLE %1$I (
      pin text NOT NULL,
      asserted_by integer NOT NULL,
      birth_province_code text NOT NULL,
      birth_month date NOT NULL,
      death_province_code text,
      death_month date,
      recorded tstzrange NOT NULL,
      CONSTRAINT %2$I PRIMARY KEY (pin, asserted_by))',
    'vital_events' || suffix, 'vital_events' || suffix || '_pkey');
END $$;

CREATE OR REPLACE FUNCTION index_vital_statistics_tables(suffix text) RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
  SELECT format(statement, 'vital_events' || suffix) FROM unnest(ARRAY[
    'CREATE INDEX IF NOT EXISTS %1$s_births ON %1$s (birth_province_code, birth_month) INCLUDE (recorded)',
    'CREATE INDEX IF NOT EXISTS %1$s_deaths ON %1$s (death_province_code, death_month) INCLUDE (recorded) WHERE death_province_code IS NOT NULL'
  ]) AS statement
$$;

DROP TABLE IF EXISTS citizen_records_next, citizen_names_next, residence_history_next, residence_lives_next,
  vital_events_next;
DELETE FROM projection_checkpoints WHERE projection LIKE '%@next';
TRUNCATE citizen_records, citizen_names, residence_history;
ALTER TABLE citizen_records ADD COLUMN registered json;
ALTER TABLE residence_history ADD COLUMN held_from date NOT NULL, ADD COLUMN held_to date, ADD COLUMN since date NOT NULL;
CREATE TABLE residence_lives (
  pin text NOT NULL, date_of_birth date NOT NULL, date_of_death date, CONSTRAINT residence_lives_pkey PRIMARY KEY (pin)
);
DROP TABLE vital_events;
SELECT create_vital_statistics_tables('');
DO $$
DECLARE statement text;
BEGIN
  FOR statement IN SELECT index_vital_statistics_tables('') LOOP
    EXECUTE statement;
  END LOOP;
END $$;
UPDATE projection_checkpoints SET position = NULL, processed = 0, last_recorded_at = NULL, updated_at = now()
 WHERE projection IN ('citizens', 'residences', 'vital-statistics');

-- PINs replaced by a correction, noted by the correction before it answers (not a projection):
-- a lookup of the old PIN answers 301 without waiting for the projector.
CREATE TABLE pin_replacements (
  pin text PRIMARY KEY,
  new_pin text NOT NULL,
  noted_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE pin_replacements;
-- The tables and functions of 1732500000000_read-models, emptied for a refill from position 0.
CREATE OR REPLACE FUNCTION create_citizen_tables(suffix text) RETURNS void LANGUAGE plpgsql AS $$
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

CREATE OR REPLACE FUNCTION create_residence_tables(suffix text) RETURNS void LANGUAGE plpgsql AS $$
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

CREATE OR REPLACE FUNCTION create_vital_statistics_tables(suffix text) RETURNS void LANGUAGE plpgsql AS $$
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

CREATE OR REPLACE FUNCTION index_vital_statistics_tables(suffix text) RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
  SELECT format(statement, 'vital_events' || suffix) FROM unnest(ARRAY[
    'CREATE INDEX IF NOT EXISTS %1$s_births ON %1$s (birth_province_code, birth_month)',
    'CREATE INDEX IF NOT EXISTS %1$s_deaths ON %1$s (death_province_code, death_month) WHERE death_province_code IS NOT NULL'
  ]) AS statement
$$;

DROP TABLE IF EXISTS citizen_records_next, citizen_names_next, residence_history_next, residence_lives_next,
  vital_events_next;
DELETE FROM projection_checkpoints WHERE projection LIKE '%@next';
TRUNCATE citizen_records, citizen_names, residence_history;
ALTER TABLE citizen_records DROP COLUMN registered;
ALTER TABLE residence_history DROP COLUMN held_from, DROP COLUMN held_to, DROP COLUMN since;
DROP TABLE residence_lives;
DROP TABLE vital_events;
SELECT create_vital_statistics_tables('');
DO $$
DECLARE statement text;
BEGIN
  FOR statement IN SELECT index_vital_statistics_tables('') LOOP
    EXECUTE statement;
  END LOOP;
END $$;
UPDATE projection_checkpoints SET position = NULL, processed = 0, last_recorded_at = NULL, updated_at = now()
 WHERE projection IN ('citizens', 'residences', 'vital-statistics');
