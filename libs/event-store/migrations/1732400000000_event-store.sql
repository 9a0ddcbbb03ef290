-- Up Migration
-- One row per stream holds its revision: the row lock is what serialises appends to one stream.
CREATE TABLE es_streams (
  stream_id text PRIMARY KEY,
  revision bigint NOT NULL
);

-- Immutable events. transaction_id (xid8) lets readers stop before any transaction still open
-- (DESIGN.md §4, guarantee 4); global_position orders events within one transaction.
CREATE TABLE es_events (
  global_position bigint GENERATED ALWAYS AS IDENTITY,
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_id text NOT NULL,
  revision bigint NOT NULL,
  event_id uuid NOT NULL,
  type text NOT NULL,
  data jsonb NOT NULL,
  metadata jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (stream_id, revision)
);
CREATE INDEX es_events_global_order ON es_events (transaction_id, global_position);

-- Events are never edited or removed.
CREATE FUNCTION es_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events are immutable' USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER es_events_immutable BEFORE UPDATE OR DELETE ON es_events
  FOR EACH ROW EXECUTE FUNCTION es_reject_change();

-- One round trip per append. p_expected: >= 0 exact revision, -1 no stream, -2 any, -3 stream exists.
-- Returns outcome 'appended' | 'duplicate' | 'partial' | 'conflict' with the stream's revision.
CREATE FUNCTION es_append(
  p_stream text, p_expected bigint, p_ids uuid[], p_types text[], p_data jsonb[], p_metadata jsonb[]
) RETURNS TABLE (outcome text, stream_revision bigint, tx xid8, last_position bigint)
LANGUAGE plpgsql AS $$
DECLARE
  v_current bigint;
  v_count int := cardinality(p_ids);
  v_created int;
BEGIN
  SELECT s.revision INTO v_current FROM es_streams s WHERE s.stream_id = p_stream FOR UPDATE;
  IF NOT FOUND THEN v_current := -1; END IF;

  IF NOT es_expectation_met(p_expected, v_current) THEN
    RETURN QUERY SELECT * FROM es_retry_outcome(p_stream, p_expected, v_current, p_ids);
    RETURN;
  END IF;

  IF v_current = -1 THEN
    INSERT INTO es_streams VALUES (p_stream, v_count - 1) ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS v_created = ROW_COUNT;
    IF v_created = 0 THEN -- created concurrently, and that creator has committed by now
      SELECT s.revision INTO v_current FROM es_streams s WHERE s.stream_id = p_stream;
      RETURN QUERY SELECT * FROM es_retry_outcome(p_stream, p_expected, v_current, p_ids);
      RETURN;
    END IF;
  ELSE
    UPDATE es_streams SET revision = v_current + v_count WHERE stream_id = p_stream;
  END IF;

  RETURN QUERY
    WITH inserted AS (
      INSERT INTO es_events (stream_id, revision, event_id, type, data, metadata)
      SELECT p_stream, v_current + e.n, e.id, e.type, e.data, e.metadata
      FROM unnest(p_ids, p_types, p_data, p_metadata) WITH ORDINALITY AS e(id, type, data, metadata, n)
      ORDER BY e.n
      RETURNING global_position
    )
    SELECT 'appended'::text, v_current + v_count, pg_current_xact_id(), max(global_position) FROM inserted;
END $$;

CREATE FUNCTION es_expectation_met(p_expected bigint, p_current bigint) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE p_expected
    WHEN -2 THEN true
    WHEN -3 THEN p_current >= 0
    ELSE p_expected = p_current
  END
$$;

-- A retried append whose ids are already at the expected place is a success ('duplicate').
CREATE FUNCTION es_retry_outcome(p_stream text, p_expected bigint, p_current bigint, p_ids uuid[])
RETURNS TABLE (outcome text, stream_revision bigint, tx xid8, last_position bigint)
LANGUAGE plpgsql AS $$
DECLARE
  v_start bigint := CASE WHEN p_expected >= 0 THEN p_expected + 1 WHEN p_expected = -1 THEN 0 ELSE NULL END;
  v_matching int;
BEGIN
  IF v_start IS NULL THEN
    RETURN QUERY SELECT 'conflict'::text, p_current, NULL::xid8, NULL::bigint;
    RETURN;
  END IF;
  SELECT count(*) INTO v_matching
  FROM unnest(p_ids) WITH ORDINALITY AS e(id, n)
  JOIN es_events ev ON ev.stream_id = p_stream AND ev.revision = v_start + e.n - 1 AND ev.event_id = e.id;
  IF v_matching = cardinality(p_ids) THEN
    RETURN QUERY
      SELECT 'duplicate'::text, ev.revision, ev.transaction_id, ev.global_position
      FROM es_events ev WHERE ev.stream_id = p_stream AND ev.revision = v_start + v_matching - 1;
  ELSIF v_matching > 0 THEN
    RETURN QUERY SELECT 'partial'::text, p_current, NULL::xid8, NULL::bigint;
  ELSE
    RETURN QUERY SELECT 'conflict'::text, p_current, NULL::xid8, NULL::bigint;
  END IF;
END $$;

-- Down Migration
DROP FUNCTION es_retry_outcome(text, bigint, bigint, uuid[]);
DROP FUNCTION es_expectation_met(bigint, bigint);
DROP FUNCTION es_append(text, bigint, uuid[], text[], jsonb[], jsonb[]);
DROP TABLE es_events;
DROP FUNCTION es_reject_change();
DROP TABLE es_streams;
