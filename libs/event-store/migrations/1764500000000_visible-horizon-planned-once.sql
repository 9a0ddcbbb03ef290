-- Up Migration
-- The same horizon as 1764490000000 (ADR 0050), in PL/pgSQL so that it is planned once per
-- connection (ADR 0125). A SQL function with a subquery is never inlined, and PostgreSQL parsed and
-- planned its body, pg_stat_activity's view and all, at every call: about 0.7 ms of the server's
-- CPU for each live read of the subscriptions, where the statements themselves take 0.1 ms.
-- PL/pgSQL keeps the plan of each statement for the session.
--
-- The order is kept: the snapshot first, pg_stat_activity after it, so a writer of ours that was
-- open in the snapshot and has committed since is left out of the minimum, its events visible to
-- the caller's later statement (each statement of a VOLATILE function takes a newer snapshot, which
-- the argument allows: what matters is that pg_stat_activity is read after `s`).
CREATE OR REPLACE FUNCTION es_visible_horizon() RETURNS xid8
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  s pg_snapshot := pg_current_snapshot();
  oldest_open xid8;
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RETURN pg_snapshot_xmin(s);
  END IF;
  SELECT min(open_xid) INTO oldest_open FROM pg_snapshot_xip(s) AS open_xid
   WHERE xid(open_xid) IN (SELECT backend_xid FROM pg_stat_activity
                            WHERE datid = (SELECT oid FROM pg_database WHERE datname = current_database())
                              AND backend_xid IS NOT NULL);
  RETURN LEAST(pg_snapshot_xmax(s), oldest_open);
END $$;

-- Down Migration
CREATE OR REPLACE FUNCTION es_visible_horizon() RETURNS xid8
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
