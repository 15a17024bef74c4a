-- Dimensions. Surrogate keys are BIGINTs assigned by the loader (max + row_number), so that a
-- rerun assigns nothing new. No PRIMARY KEY constraints: DuckDB's ART indexes make UPDATE of
-- indexed tables a delete + insert that trips over-eager uniqueness checks; the loader keeps
-- natural keys unique and the tests check it.

CREATE TABLE IF NOT EXISTS dim_date (
  date_key      INTEGER NOT NULL,          -- yyyymmdd
  date          DATE NOT NULL,
  year          INTEGER NOT NULL,
  quarter       INTEGER NOT NULL,
  month         INTEGER NOT NULL,
  month_name    VARCHAR NOT NULL,
  day           INTEGER NOT NULL,
  day_of_week   INTEGER NOT NULL,          -- ISO: Monday = 1
  day_name      VARCHAR NOT NULL,
  iso_year      INTEGER NOT NULL,
  iso_week      INTEGER NOT NULL,
  week_start    DATE NOT NULL,
  month_start   DATE NOT NULL,
  quarter_start DATE NOT NULL,
  is_weekend    BOOLEAN NOT NULL
);

CREATE TABLE IF NOT EXISTS dim_geography (
  geography_key BIGINT NOT NULL,
  region        VARCHAR,
  country       VARCHAR,
  city          VARCHAR
);

CREATE TABLE IF NOT EXISTS dim_channel (
  channel_key BIGINT NOT NULL,
  channel     VARCHAR NOT NULL
);

-- SCD2: a new version when type, industry, country, region or city changes. The first version
-- of a customer is valid from 1900-01-01 so that facts older than the first load find it; the
-- current version is valid to 9999-12-31.
CREATE TABLE IF NOT EXISTS dim_customer (
  customer_key        BIGINT NOT NULL,
  customer_id         VARCHAR NOT NULL,
  name                VARCHAR,
  email               VARCHAR,
  phone               VARCHAR,
  type                VARCHAR,
  industry            VARCHAR,
  country             VARCHAR,
  region              VARCHAR,
  city                VARCHAR,
  geography_key       BIGINT,
  signup_at           TIMESTAMP,
  acquisition_channel VARCHAR,
  birth_date          DATE,
  updated_at          TIMESTAMP,
  valid_from          TIMESTAMP NOT NULL,
  valid_to            TIMESTAMP NOT NULL,
  is_current          BOOLEAN NOT NULL,
  is_placeholder      BOOLEAN NOT NULL,
  row_hash            UBIGINT NOT NULL,
  run_id              BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS dim_product (
  product_key    BIGINT NOT NULL,
  sku            VARCHAR NOT NULL,
  name           VARCHAR,
  category       VARCHAR,
  subcategory    VARCHAR,
  brand          VARCHAR,
  unit_cost      DECIMAL(18, 4),
  updated_at     TIMESTAMP,
  is_placeholder BOOLEAN NOT NULL,
  row_hash       UBIGINT NOT NULL,
  run_id         BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS dim_campaign (
  campaign_key   BIGINT NOT NULL,
  campaign_id    VARCHAR NOT NULL,
  name           VARCHAR,
  kind           VARCHAR,
  channel        VARCHAR,
  source         VARCHAR,
  starts_at      TIMESTAMP,
  ends_at        TIMESTAMP,
  budget         DECIMAL(18, 4),
  cost           DECIMAL(18, 4),
  target_segment VARCHAR,
  updated_at     TIMESTAMP,
  is_placeholder BOOLEAN NOT NULL,
  row_hash       UBIGINT NOT NULL,
  run_id         BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS dim_employee (
  employee_key   BIGINT NOT NULL,
  employee_id    VARCHAR NOT NULL,
  name           VARCHAR,
  email          VARCHAR,
  role           VARCHAR,
  team           VARCHAR,
  region         VARCHAR,
  hired_at       TIMESTAMP,
  updated_at     TIMESTAMP,
  is_placeholder BOOLEAN NOT NULL,
  row_hash       UBIGINT NOT NULL,
  run_id         BIGINT NOT NULL
);
