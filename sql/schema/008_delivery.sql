-- Subscriptions and their deliveries (docs/subscriptions.md). CREATE ... IF NOT EXISTS: a
-- warehouse made before these tables existed gains them on the next open.

-- A dashboard (with filter values) or a saved question, sent on a cron schedule in a time zone
-- to e-mail and webhook destinations, under its owner's row and member rules.
CREATE TABLE IF NOT EXISTS subscriptions (
  subscription_id VARCHAR NOT NULL,
  name            VARCHAR NOT NULL,
  target          JSON NOT NULL,      -- {"dashboard": id, "filters": {...}} or {"question": id}
  cron            VARCHAR NOT NULL,
  timezone        VARCHAR NOT NULL,   -- IANA, e.g. Europe/Berlin
  destinations    JSON NOT NULL,      -- [{"kind": "email", "to": [...]}, {"kind": "webhook", ...}]
  owner           JSON NOT NULL,      -- {name, role, attributes}: whose rules a delivery runs under
  created_at      TIMESTAMP NOT NULL,
  updated_at      TIMESTAMP NOT NULL
);

-- One row per message to one destination. The message (attachments base64) is kept, so a
-- delivery that failed is retried from here, after a restart too.
CREATE TABLE IF NOT EXISTS deliveries (
  delivery_id     VARCHAR NOT NULL,
  source_kind     VARCHAR NOT NULL,   -- subscription | alert | manual
  source_id       VARCHAR,
  destination     JSON NOT NULL,
  subject         VARCHAR NOT NULL,
  message         JSON NOT NULL,
  status          VARCHAR NOT NULL,   -- sending | sent | retrying | failed
  attempts        INTEGER NOT NULL,
  next_attempt_at TIMESTAMP,          -- when a retrying delivery is tried again
  error           VARCHAR,            -- the last failure as the server saw it (admins read it)
  note            VARCHAR,            -- e.g. "sent without images: Chromium is not installed"
  created_at      TIMESTAMP NOT NULL,
  updated_at      TIMESTAMP NOT NULL,
  sent_at         TIMESTAMP
);

CREATE TABLE IF NOT EXISTS delivery_attempts (
  delivery_id VARCHAR NOT NULL,
  attempt     INTEGER NOT NULL,
  status      VARCHAR NOT NULL,       -- sent | failed
  error       VARCHAR,
  started_at  TIMESTAMP NOT NULL,
  finished_at TIMESTAMP NOT NULL
);

-- The scheduler's memory: the last due time of each scheduled piece of work that was claimed.
-- Claimed before the work runs, so a restart never fires the same due time twice.
CREATE TABLE IF NOT EXISTS schedule_state (
  kind        VARCHAR NOT NULL,       -- subscription | alert | target-group ...
  work_id     VARCHAR NOT NULL,
  last_due_at TIMESTAMP NOT NULL,
  updated_at  TIMESTAMP NOT NULL
);
