-- Up Migration
-- The gap-free horizon of readAll, limited to this database's writers (ADR 0050).
-- pg_snapshot_xmin covers the whole server, so a transaction left open in ANY database (another
-- registry, a bulk import, a psql session) held back every subscription here. A transaction of
-- another database can never write to es_events, so only our own open transactions matter.
--
-- Callers read the horizon in one statement and the events in a LATER statement (READ COMMITTED):
-- a writer of ours that was open in the horizon's snapshot but had committed by the time
-- pg_stat_activity was read is left out of the minimum, and its events are then visible to the
-- later statement's snapshot. Writers that get their xid after the snapshot get one >= its xmax.
-- Under REPEATABLE READ or SERIALIZABLE every statement shares one snapshot, so that argument
-- fails: there the server-wide minimum is kept.
CREATE FUNCTION es_visible_horizon() RETURNS xid8
LANGUAGE sql VOLATILE AS $$
  WITH snapshot AS (SELECT pg_current_snapshot() AS s)
  SELECT CASE
    WHEN current_setting('transaction_isolation') <> 'read committed' THEN pg_snapshot_xmin(s)
    ELSE LEAST(
      pg_snapshot_xmax(s),
      (SELECT min(open_xid) FROM pg_snapshot_xip(s) AS open_xid
        WHERE xid(open_xid) IN (SELECT backend_xid FROM pg_stat_activity
                                 WHERE datid = (SELECT oid FROM pg_database WHERE datname = current_database())
                                   AND backend_xid IS NOT NULL)))
  END
  FROM snapshot
$$;

-- Down Migration
DROP FUNCTION es_visible_horizon();
