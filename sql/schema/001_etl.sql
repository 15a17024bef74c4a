-- Bookkeeping of the loader: one row per job run, quarantined rows, incremental watermarks.
CREATE TABLE IF NOT EXISTS etl_runs (
  run_id        BIGINT NOT NULL,
  job           VARCHAR NOT NULL,
  target        VARCHAR NOT NULL,
  source        VARCHAR,
  started_at    TIMESTAMP NOT NULL,
  finished_at   TIMESTAMP,
  duration_ms   BIGINT,
  status        VARCHAR NOT NULL,          -- succeeded | failed
  rows_read     BIGINT NOT NULL DEFAULT 0,
  inserted      BIGINT NOT NULL DEFAULT 0,
  updated       BIGINT NOT NULL DEFAULT 0,
  unchanged     BIGINT NOT NULL DEFAULT 0,
  rejected      BIGINT NOT NULL DEFAULT 0,
  duplicates    BIGINT NOT NULL DEFAULT 0,
  placeholders  BIGINT NOT NULL DEFAULT 0, -- dimension rows created for unknown references
  watermark     VARCHAR,                   -- the incremental watermark after the run
  changed       BOOLEAN NOT NULL DEFAULT false,
  error         VARCHAR
);

CREATE TABLE IF NOT EXISTS etl_rejects (
  run_id      BIGINT NOT NULL,
  job         VARCHAR NOT NULL,
  source      VARCHAR NOT NULL,
  line        BIGINT,                      -- line in the source file (header = 1), or row for parquet
  reason      VARCHAR NOT NULL,            -- a reason code, e.g. invalid_timestamp
  field       VARCHAR,                     -- the contract field at fault
  message     VARCHAR NOT NULL,
  raw         JSON,                        -- the source row as it was read
  row_hash    UBIGINT NOT NULL,
  rejected_at TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS etl_watermarks (
  job        VARCHAR NOT NULL,
  key        VARCHAR NOT NULL,
  value      VARCHAR NOT NULL,
  run_id     BIGINT NOT NULL,
  updated_at TIMESTAMP NOT NULL
);
