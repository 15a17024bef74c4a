-- Saved questions: an Explore query with its chart settings, under a name. The query is Cube
-- REST query JSON, validated when saved and run under the row and member rules of whoever runs it.
CREATE TABLE IF NOT EXISTS saved_questions (
  question_id VARCHAR NOT NULL,
  name        VARCHAR NOT NULL,
  description VARCHAR,
  query       JSON NOT NULL,
  chart       JSON NOT NULL,
  created_by  VARCHAR,        -- the authenticated user's name; "local" in local mode
  updated_by  VARCHAR,
  created_at  TIMESTAMP NOT NULL,
  updated_at  TIMESTAMP NOT NULL
);

-- Alerts: one value of a question watched against a condition; they run as their owner.
CREATE TABLE IF NOT EXISTS alerts (
  alert_id     VARCHAR NOT NULL,
  question_id  VARCHAR NOT NULL,
  name         VARCHAR NOT NULL,
  measure      VARCHAR,       -- the measure watched; NULL: the question's first measure
  condition    VARCHAR NOT NULL, -- above | below | outside_forecast | change_pct
  threshold    DOUBLE,        -- the bound (above/below) or the percentage (change_pct)
  destinations JSON NOT NULL, -- delivery destinations (see src/delivery/destinations.ts)
  schedule     VARCHAR,       -- cron expression of the scheduled checks; NULL: checked on demand
  timezone     VARCHAR,
  created_by   VARCHAR,
  created_at   TIMESTAMP NOT NULL,
  updated_at   TIMESTAMP NOT NULL
);

-- Every check of an alert. Whether it is crossed now is the last check's `crossed`, so a
-- restart neither forgets a crossing nor sends it again.
CREATE TABLE IF NOT EXISTS alert_events (
  alert_id   VARCHAR NOT NULL,
  checked_at TIMESTAMP NOT NULL,
  period     VARCHAR,         -- the period the value belongs to (time-series questions)
  value      DOUBLE,
  reference  DOUBLE,          -- the previous period's value (change_pct), the forecast (outside_forecast)
  lower      DOUBLE,          -- the band of outside_forecast
  upper      DOUBLE,
  crossed    BOOLEAN NOT NULL,
  fired      BOOLEAN NOT NULL,  -- a new crossing: the alert was sent
  delivery   VARCHAR,           -- the delivery outcome(s), or why none was made
  error      VARCHAR            -- a check that could not compute its value
);
