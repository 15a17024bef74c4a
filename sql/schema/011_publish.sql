-- What `rapport publish` has copied into each ClickHouse target, per table: the rows up to which
-- ETL run are there, how many, and a fingerprint of them (the sum of DuckDB's hash of every
-- row). The next publish copies only rows of later runs when the fingerprint of the published
-- rows is unchanged; when it changed (rows updated or deleted in place, an SCD2 version closed)
-- it republishes the table whole. `columns` is the ClickHouse table definition the rows went
-- into: another definition (a new column, a new server version) also means a whole republish.
CREATE TABLE IF NOT EXISTS publish_state (
  target       VARCHAR NOT NULL,   -- the target's URL without password, and the cluster if any
  table_name   VARCHAR NOT NULL,
  run_id       BIGINT NOT NULL,    -- rows with run_id <= this are published (0: a table without run ids)
  rows         BIGINT NOT NULL,
  fingerprint  VARCHAR NOT NULL,
  columns      VARCHAR NOT NULL,
  last_mode    VARCHAR NOT NULL,   -- whole | increment | unchanged
  last_copied  BIGINT NOT NULL,    -- rows the last publish copied
  sums         JSON,               -- the reconciled count and column sums of the last publish
  published_at TIMESTAMP NOT NULL
);
