-- Up Migration
-- Opens many streams in one statement (bulk loads such as the legacy import). Each stream keeps
-- the guarantees of es_append with expected "no stream": it is created by exactly one writer
-- (the es_streams insert is the reservation), its events get revisions 0..n-1, and a retry with
-- the same event ids is a 'duplicate'. Streams that already exist are reported, not written; the
-- others commit together. p_events is one JSON array (parsed once, where array parameters would be
-- escaped element by element) of {"s", "id", "type", "data", "metadata"}: "s" is the event's
-- stream's index in p_streams (1-based); events of one stream keep their order. Callers sort
-- p_streams so that concurrent bulks take the stream reservations in one order (no deadlock).
CREATE FUNCTION es_append_new_streams(p_streams text[], p_events json) RETURNS TABLE (stream_name text, outcome text, stream_revision bigint, tx xid8, last_position bigint)
LANGUAGE plpgsql AS $$
DECLARE
  v_created text[];
  v_last bigint[];
  v_stream text;
  v_ids uuid[];
  v_current bigint;
BEGIN
  WITH events AS (
    SELECT p_streams[(e.v->>'s')::int] AS stream,
           row_number() OVER (PARTITION BY (e.v->>'s')::int ORDER BY e.n) - 1 AS revision,
           (e.v->>'id')::uuid AS id, e.v->>'type' AS type, (e.v->'data')::jsonb AS data,
           (e.v->'metadata')::jsonb AS metadata, e.n
    FROM json_array_elements(p_events) WITH ORDINALITY AS e(v, n)
  ), created AS (
    INSERT INTO es_streams (stream_id, revision)
    SELECT ev.stream, max(ev.revision) FROM events ev GROUP BY ev.stream ORDER BY ev.stream
    ON CONFLICT DO NOTHING
    RETURNING es_streams.stream_id
  ), inserted AS (
    INSERT INTO es_events (stream_id, revision, event_id, type, data, metadata)
    SELECT ev.stream, ev.revision, ev.id, ev.type, ev.data, ev.metadata
    FROM events ev JOIN created c ON c.stream_id = ev.stream
    ORDER BY ev.n
    RETURNING es_events.stream_id, es_events.global_position
  )
  SELECT array_agg(i.stream_id), array_agg(i.last) INTO v_created, v_last
  FROM (SELECT ins.stream_id, max(ins.global_position) AS last FROM inserted ins GROUP BY ins.stream_id) i;

  RETURN QUERY
    SELECT a.stream, 'appended'::text, s.revision, pg_current_xact_id(), a.last
    FROM unnest(v_created, v_last) AS a(stream, last) JOIN es_streams s ON s.stream_id = a.stream;

  -- Streams that existed (or were created by a writer that committed first): a retry of the same
  -- ids is a duplicate, anything else a conflict. A new statement sees that writer's events.
  IF coalesce(cardinality(v_created), 0) = cardinality(p_streams) THEN
    RETURN;
  END IF;
  FOR v_stream, v_ids IN
    SELECT p_streams[(e.v->>'s')::int], array_agg((e.v->>'id')::uuid ORDER BY e.n)
    FROM json_array_elements(p_events) WITH ORDINALITY AS e(v, n)
    LEFT JOIN unnest(v_created) AS c(stream) ON c.stream = p_streams[(e.v->>'s')::int]
    WHERE c.stream IS NULL
    GROUP BY (e.v->>'s')::int
  LOOP
    SELECT s.revision INTO v_current FROM es_streams s WHERE s.stream_id = v_stream;
    RETURN QUERY SELECT v_stream, r.outcome, r.stream_revision, r.tx, r.last_position
                 FROM es_retry_outcome(v_stream, -1, v_current, v_ids) r;
  END LOOP;
END $$;

-- Down Migration
DROP FUNCTION es_append_new_streams(text[], json);
