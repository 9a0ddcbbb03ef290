-- Up Migration
-- Where each topic of a relay stands in the global log: the position of the last event Kafka
-- acknowledged on that topic (at least once: written only after the acknowledgement).
-- Positions are the event store's opaque strings (formatPosition), so both stores fit.
CREATE TABLE change_feed_checkpoints (
  relay text NOT NULL,
  topic text NOT NULL,
  position text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (relay, topic)
);

-- Down Migration
DROP TABLE change_feed_checkpoints;
