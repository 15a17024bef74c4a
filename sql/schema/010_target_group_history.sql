-- Target groups over time: one row per snapshot of a saved segment's members (a save, a refresh
-- by hand or by its schedule) with the count and the change against the previous snapshot.
-- `seq` orders the snapshots of one segment even when the clock reads the same (a pinned demo).
CREATE TABLE IF NOT EXISTS target_group_refreshes (
  segment_id   VARCHAR NOT NULL,
  seq          INTEGER NOT NULL,
  refreshed_at TIMESTAMP NOT NULL,
  cause        VARCHAR NOT NULL, -- save | refresh | schedule
  member_count BIGINT NOT NULL,
  added        BIGINT NOT NULL,
  removed      BIGINT NOT NULL
);

-- A refresh schedule per segment: a cron expression read in an IANA time zone.
CREATE TABLE IF NOT EXISTS target_group_schedules (
  segment_id  VARCHAR NOT NULL,
  cron        VARCHAR NOT NULL,
  timezone    VARCHAR NOT NULL,
  created_by  VARCHAR,
  created_at  TIMESTAMP NOT NULL,
  last_run_at TIMESTAMP,
  last_error  VARCHAR
);

-- Members pushed to a webhook: where, how many in how many pages, and how it went.
CREATE TABLE IF NOT EXISTS target_group_pushes (
  push_id    VARCHAR NOT NULL,
  segment_id VARCHAR NOT NULL,
  url        VARCHAR NOT NULL,
  pushed_at  TIMESTAMP NOT NULL,
  pushed_by  VARCHAR,
  members    BIGINT NOT NULL,
  pages      INTEGER NOT NULL,
  pages_sent INTEGER NOT NULL,
  status     VARCHAR NOT NULL, -- sent | failed
  error      VARCHAR
);
