-- Facts, one per landing contract. Each keeps its natural key, the surrogate keys of the
-- dimensions it references (customer_key = the customer's version valid at the event time),
-- the durable customer_id for customer-level analyses, a hash of the contract values (to tell
-- changed from unchanged rows on reload) and the run that last wrote the row.

CREATE TABLE IF NOT EXISTS fact_order_lines (
  order_id      VARCHAR NOT NULL,
  line_no       INTEGER NOT NULL,
  ordered_at    TIMESTAMP NOT NULL,
  date_key      INTEGER NOT NULL,
  customer_id   VARCHAR,
  customer_key  BIGINT,
  product_key   BIGINT,
  product_name  VARCHAR,
  quantity      DECIMAL(18, 4) NOT NULL,
  unit_price    DECIMAL(18, 4) NOT NULL,
  discount      DECIMAL(18, 4) NOT NULL,
  revenue       DECIMAL(18, 4) NOT NULL,     -- quantity * unit_price * (1 - discount)
  status        VARCHAR NOT NULL,            -- completed | cancelled | returned
  currency      VARCHAR,
  channel_key   BIGINT,
  geography_key BIGINT,
  campaign_key  BIGINT,
  employee_key  BIGINT,
  due_at        TIMESTAMP,
  paid_at       TIMESTAMP,
  updated_at    TIMESTAMP,
  row_hash      UBIGINT NOT NULL,
  run_id        BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS fact_interactions (
  interaction_id VARCHAR NOT NULL,
  customer_id    VARCHAR NOT NULL,
  customer_key   BIGINT NOT NULL,
  occurred_at    TIMESTAMP NOT NULL,
  date_key       INTEGER NOT NULL,
  kind           VARCHAR NOT NULL,
  status         VARCHAR NOT NULL,           -- done | planned | cancelled
  direction      VARCHAR,
  channel_key    BIGINT,
  duration_s     BIGINT,
  outcome        VARCHAR,
  employee_key   BIGINT,
  subject        VARCHAR,
  row_hash       UBIGINT NOT NULL,
  run_id         BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS fact_campaign_responses (
  campaign_id  VARCHAR NOT NULL,
  campaign_key BIGINT NOT NULL,
  customer_id  VARCHAR NOT NULL,
  customer_key BIGINT NOT NULL,
  event        VARCHAR NOT NULL,
  occurred_at  TIMESTAMP NOT NULL,
  date_key     INTEGER NOT NULL,
  channel_key  BIGINT,
  cost         DECIMAL(18, 4),
  "group"      VARCHAR NOT NULL,             -- target | control
  row_hash     UBIGINT NOT NULL,
  run_id       BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS fact_web_events (
  event_id     VARCHAR NOT NULL,
  occurred_at  TIMESTAMP NOT NULL,
  date_key     INTEGER NOT NULL,
  event        VARCHAR NOT NULL,
  customer_id  VARCHAR,
  customer_key BIGINT,
  anonymous_id VARCHAR,
  session_id   VARCHAR,
  page         VARCHAR,
  product_key  BIGINT,
  search_query VARCHAR,
  source       VARCHAR,
  medium       VARCHAR,
  campaign_key BIGINT,
  duration_s   BIGINT,
  properties   JSON,
  row_hash     UBIGINT NOT NULL,
  run_id       BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS fact_deal_stages (
  deal_id           VARCHAR NOT NULL,
  stage             VARCHAR NOT NULL,
  entered_at        TIMESTAMP NOT NULL,
  date_key          INTEGER NOT NULL,
  customer_id       VARCHAR NOT NULL,
  customer_key      BIGINT NOT NULL,
  amount            DECIMAL(18, 4),
  probability       DECIMAL(18, 4),
  employee_key      BIGINT,
  closed            VARCHAR,                 -- won | lost on the closing row
  loss_reason       VARCHAR,
  expected_close_at TIMESTAMP,
  row_hash          UBIGINT NOT NULL,
  run_id            BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS fact_tickets (
  ticket_id         VARCHAR NOT NULL,
  customer_id       VARCHAR NOT NULL,
  customer_key      BIGINT NOT NULL,
  opened_at         TIMESTAMP NOT NULL,
  date_key          INTEGER NOT NULL,
  category          VARCHAR,
  priority          VARCHAR,
  channel_key       BIGINT,
  first_response_at TIMESTAMP,
  resolved_at       TIMESTAMP,
  satisfaction      INTEGER,
  employee_key      BIGINT,
  row_hash          UBIGINT NOT NULL,
  run_id            BIGINT NOT NULL
);

-- Warehouses made before events carried properties gain the column (empty for their rows).
ALTER TABLE fact_web_events ADD COLUMN IF NOT EXISTS properties JSON;
