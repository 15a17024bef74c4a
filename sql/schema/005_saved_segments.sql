-- Target groups: named customer lists saved from a report slice or a cube query, with the
-- definition that recomputes them and the time of the snapshot.
CREATE TABLE IF NOT EXISTS saved_segments (
  segment_id   VARCHAR NOT NULL,
  name         VARCHAR NOT NULL,
  description  VARCHAR,
  definition   JSON NOT NULL,
  created_at   TIMESTAMP NOT NULL,
  refreshed_at TIMESTAMP NOT NULL,
  member_count BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS saved_segment_members (
  segment_id  VARCHAR NOT NULL,
  customer_id VARCHAR NOT NULL
);
