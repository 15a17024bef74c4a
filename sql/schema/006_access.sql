-- Access control: API keys (only a scrypt hash of each secret is kept) and the audit log.
CREATE TABLE IF NOT EXISTS rapport_users (
  key_id     VARCHAR NOT NULL PRIMARY KEY, -- the public part of the key, so lookup is not a scan of hashes
  name       VARCHAR NOT NULL,
  role       VARCHAR NOT NULL,
  attributes JSON NOT NULL,                -- e.g. {"region": "Western Europe"}
  salt       VARCHAR NOT NULL,             -- hex, one per key
  hash       VARCHAR NOT NULL,             -- hex scrypt(secret, salt)
  created_at TIMESTAMP NOT NULL,
  revoked_at TIMESTAMP
);

CREATE TABLE IF NOT EXISTS rapport_audit (
  logged_at   TIMESTAMP NOT NULL,
  user_name   VARCHAR NOT NULL,
  role        VARCHAR NOT NULL,
  method      VARCHAR NOT NULL,
  route       VARCHAR NOT NULL,
  url         VARCHAR NOT NULL,
  query       JSON,
  rows        BIGINT,
  duration_ms DOUBLE NOT NULL,
  status      INTEGER NOT NULL
);
